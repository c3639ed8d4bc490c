import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes `files` (repo-relative path -> content) into a fresh temp dir; returns it and a cleanup. */
export async function writeRepo(files: Record<string, string>): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'orch-plans-'));
  await Promise.all(
    Object.entries(files).map(async ([path, content]) => {
      const full = join(root, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }),
  );
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
