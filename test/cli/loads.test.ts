import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { orchBin, repoRootDir, sandbox } from '../harness.js';

// Issue 12: what the CLI and the daemon load on their way to an answer, as whole processes.
const dir = mkdtempSync(join(tmpdir(), 'orch-daemon-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The files under dist/ and node_modules/ that `node <entry> ...args` loads (an ESM load hook writes each URL to a file). */
function loadedDistFiles(entry: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { files: string[]; packages: string[]; status: number | null; stdout: string; stderr: string } {
  const list = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, ctx, next) { appendFileSync(${JSON.stringify(list)}, url + '\\n'); return next(url, ctx); }\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  writeFileSync(list, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, entry, ...args], { ...o, encoding: 'utf8', timeout: 60_000 });
  const urls = readFileSync(list, 'utf8').split('\n');
  const distUrl = pathToFileURL(join(repoRootDir, 'dist')).href + '/';
  const files = urls.filter((u) => u.startsWith(distUrl)).map((u) => u.slice(distUrl.length));
  const packages = [...new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p): p is string => p !== undefined))];
  return { files, packages, status: r.status, stdout: r.stdout, stderr: r.stderr };
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

describe('the first command of a fresh project', () => {
  it('loads no config code (TOML, YAML, zod) in the CLI when there is no config file, and still checks one that exists', () => {
    const s = sandbox({ 'docs/plans/core-module/epic-01-a.md': '# A\n\nDo a.\n' });
    try {
      // The harness writes a user and a project config: this project has neither.
      rmSync(join(s.base, 'config', 'orch', 'config.toml'));
      s.git('rm', '-q', '.orch/config.toml');
      s.commitAll('no config');
      const fresh = loadedDistFiles(orchBin, ['next', '--json'], { cwd: s.repo, env: s.env });
      expect(fresh.stderr).toBe('');
      expect(fresh.status).toBe(0);
      expect((JSON.parse(fresh.stdout) as { id: string }[]).map((t) => t.id)).toEqual(['core/E01']);
      expect(fresh.packages.filter((p) => ['zod', 'smol-toml', 'yaml'].includes(p))).toEqual([]);
      expect(fresh.files.filter((f) => f.startsWith('src/config/') && f !== 'src/config/drift.js')).toEqual([]);

      // With a config file the CLI checks it before it starts a daemon: a bad value is its file and line.
      expect(s.orch('daemon', 'stop').status).toBe(0);
      s.write('.orch/config.toml', 'max_parallel_agents = "many"\n');
      const bad = loadedDistFiles(orchBin, ['next', '--json'], { cwd: s.repo, env: s.env });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/config\.toml.*max_parallel_agents/s);
      expect(bad.packages).toContain('zod');
    } finally {
      s.cleanup();
    }
  });
});
