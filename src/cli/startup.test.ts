import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orchBin } from '../../test/harness.js';
import { srcDir, staticLoads } from '../../test/static-imports.js';

const loads = (file: string) => staticLoads(file.slice(srcDir.length + 1));

// `orch doctor` inspects the agent CLIs, so agents/ may load; what runs them (daemon, engine, store) may not.
const forbiddenOnClientPath = [/^daemon\//, /^engine\//, /^store\//, /^forge\//, /^mcp\/(index|server)\.ts$/];
const forbiddenPackages = ['@octokit/rest', '@modelcontextprotocol/sdk', 'better-sqlite3', 'ink', 'react'];

describe('CLI start-up', () => {
  it('main.ts loads commander and the command specs only: no zod, no client, no daemon', () => {
    const { files, packages } = loads(join(srcDir, 'cli', 'main.ts'));
    expect(packages).toEqual(['commander']);
    expect(files.filter((f) => !/^cli\/(main|program|errors|format|lazy|io|help)\.ts$|^cli\/specs\/|^version\.ts$|^prompts\//.test(f))).toEqual([]);
  });

  it('the prerendered `orch --help` (fast-help.ts) imports nothing', () => {
    expect(loads(join(srcDir, 'cli', 'fast-help.ts'))).toEqual({ files: ['cli/fast-help.ts'], packages: [] });
  });

  it('no command implementation imports the daemon, engine, store, Octokit, the MCP SDK or SQLite', () => {
    const commands = readdirSync(join(srcDir, 'cli', 'commands')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) {
      const { files, packages } = loads(join(srcDir, 'cli', 'commands', c));
      expect({ command: c, files: files.filter((f) => forbiddenOnClientPath.some((r) => r.test(f))) }).toEqual({ command: c, files: [] });
      expect({ command: c, packages: packages.filter((p) => forbiddenPackages.includes(p)) }).toEqual({ command: c, packages: [] });
    }
  });

  it('the warm answers (sync, list, next, status) load no zod', () => {
    const { packages } = loads(join(srcDir, 'cli', 'commands', 'plan.ts'));
    expect(packages).not.toContain('zod');
  });

  it('the warm answers and `orch daemon stop` load no string-width (its tables are loaded for the text output only)', () => {
    for (const c of ['plan.ts', 'inspect.ts', 'daemon.ts']) {
      expect({ command: c, packages: loads(join(srcDir, 'cli', 'commands', c)).packages.filter((p) => p === 'string-width') }).toEqual({ command: c, packages: [] });
    }
  });

  it('sees through re-exports and ignores type-only imports (the checker itself)', () => {
    const { files } = loads(join(srcDir, 'daemon', 'main.ts'));
    expect(files).toContain('daemon/serve.ts');
    expect(files).toContain('store/index.ts');
    expect(loads(join(srcDir, 'cli', 'lazy.ts')).packages).toEqual([]);
  });

  it('the built `orch --help` loads no child_process (commander loads it only to spawn)', () => {
    // Node's own list of the built-in modules this process loaded, printed as it exits.
    const probe = "process.on('exit', () => process.stderr.write('\\n@@' + process.moduleLoadList.join(',')))";
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, orchBin, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: orch');
    const loaded = r.stderr.split('@@')[1]?.split(',') ?? [];
    expect(loaded).toContain('NativeModule fs');
    expect(loaded.filter((m) => /child_process|dgram/.test(m))).toEqual([]);
  });
});

