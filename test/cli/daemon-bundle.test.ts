import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRootDir } from '../harness.js';

// Issue 12: the daemon the CLI starts is one bundle (tools/bundle-daemon.mjs), not about four hundred modules.
const dir = mkdtempSync(join(tmpdir(), 'orch-daemon-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The files under dist/ that `node <entry> ...args` loads (an ESM load hook writes each URL to a file). */
function loadedDistFiles(entry: string, args: string[]): { files: string[]; status: number | null; stderr: string } {
  const list = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, ctx, next) { appendFileSync(${JSON.stringify(list)}, url + '\\n'); return next(url, ctx); }\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  writeFileSync(list, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, entry, ...args], { encoding: 'utf8', timeout: 60_000 });
  const distUrl = pathToFileURL(join(repoRootDir, 'dist')).href + '/';
  const files = readFileSync(list, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith(distUrl))
    .map((u) => u.slice(distUrl.length));
  return { files, status: r.status, stderr: r.stderr };
}

describe('the daemon entry', () => {
  it('loads its bundle and chunks only, none of the modules tsc emitted', () => {
    // Without --root the daemon prints its usage and exits 1, after every static import is loaded.
    const { files, status, stderr } = loadedDistFiles(join(repoRootDir, 'dist', 'src', 'daemon', 'main.js'), []);
    expect(stderr).toContain('usage: node dist/src/daemon/main.js --root');
    expect(status).toBe(1);
    expect(files).toContain('src/daemon/main.js');
    expect(files.filter((f) => !/^src\/daemon\/(main|chunk-[A-Z0-9]+)\.js$/.test(f))).toEqual([]);
    expect(files.length).toBeLessThan(15);
  });
});
