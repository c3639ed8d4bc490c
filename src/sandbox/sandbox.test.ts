import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandboxer, detectBwrap, ensureCliDirs } from './index.js';

const base = mkdtempSync(join(tmpdir(), 'orch-sandbox-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('CLI state directories', () => {
  it('are made (0700) when missing, files among them are not', () => {
    const home = join(base, 'home-a');
    ensureCliDirs('claude', { HOME: home });
    expect(statSync(join(home, '.claude')).mode & 0o777).toBe(0o700);
    expect(existsSync(join(home, '.claude.json'))).toBe(false);
  });

  // A first run on a machine without the CLI's dir: what the agent writes there (its session) must outlive the
  // sandbox, or every resumed turn fails with "No conversation found".
  it.skipIf(!detectBwrap(process.env.PATH ?? '').ok)('a contained process writes its session into a CLI dir that did not exist before', () => {
    const worktree = mkdtempSync(join(base, 'wt-'));
    const configDir = join(base, 'claude-config');
    const sandboxer = createSandboxer('bwrap');
    const contain = sandboxer.contain({ worktree, orchDirs: [], backendId: 'claude' });
    const launch = contain!({ command: process.execPath, args: ['-e', `require('node:fs').writeFileSync(process.env.CLAUDE_CONFIG_DIR + '/session.jsonl', 'kept')`], env: { PATH: process.env.PATH ?? '', HOME: join(base, 'home-b'), CLAUDE_CONFIG_DIR: configDir } });
    const r = spawnSync(launch.command, launch.args, { env: launch.env, encoding: 'utf8', cwd: worktree });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(configDir, 'session.jsonl'), 'utf8')).toBe('kept');
  });
});
