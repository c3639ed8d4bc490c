import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The commit a branch ref points at, read from the repository's files (its loose ref, else packed-refs) without
 * running git; undefined when that is not simple (a symbolic ref, a peeled tag, another ref storage): ask git then.
 */
export function readRefFile(commonDir: string, ref: string): string | undefined {
  if (!/^refs\/heads\/[A-Za-z0-9/_.-]+$/.test(ref) || ref.includes('..')) return undefined;
  try {
    const loose = readFileSync(join(commonDir, ref), 'utf8').trim();
    return SHA.test(loose) ? loose : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  try {
    for (const line of readFileSync(join(commonDir, 'packed-refs'), 'utf8').split('\n')) {
      const [sha, name] = line.split(' ');
      if (name === ref && sha && SHA.test(sha)) return sha;
    }
  } catch {
    // no packed-refs
  }
  return undefined;
}
