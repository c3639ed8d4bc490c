import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../harness.js';
import { installOrch, sh } from './cli.js';

// Issue 15 (U5): `orch onboard` without --yes and without a terminal asks plain questions on stdin, shows the config
// diff before writing, and changes only what the user accepts; a second run asks again and changes nothing refused.
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

describe('orch onboard with plain questions (no terminal)', () => {
  it('takes answers from stdin, writes the accepted config and plan, leaves the refused commit to the user', async () => {
    sb = sandbox({ 'README.md': '# demo\n' });
    installOrch(sb);
    const s = sb;
    // agent: default (Claude Code); forge: default; scope: default; write config: y; create plan: y; commit: n.
    const r = await sh(s, `printf '\\n\\n\\ny\\ny\\nn\\n' | orch onboard --no-sync`);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Which coding agent should work on tasks?');
    // Each agent line says its name and version once, then where it is and the supported range.
    expect(r.stdout).toMatch(/^ok {3}agent claude: Claude Code 2\.1\.197 at \S+ \(supported: [^)]*\(tested with 2\.1\.197\)\); /m);
    expect(r.stdout.match(/Claude Code 2\.1\.197/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/1\) Claude Code \(2\.1\.197\) \[default\]/);
    expect(r.stdout).toContain('+ backend = "claude"');
    expect(r.stdout.indexOf('+ backend = "claude"')).toBeLessThan(r.stdout.indexOf('Write these changes'));
    expect(readFileSync(join(s.repo, '.orch/config.toml'), 'utf8')).toContain('backend = "claude"');
    expect(existsSync(join(s.repo, 'docs/plans/getting-started/epic-01-orch-notes.md'))).toBe(true);
    // The commit was refused: the files wait, uncommitted, for the user.
    expect(s.git('status', '--porcelain')).toContain('?? docs/');
    expect(s.git('log', '--format=%s')).not.toContain('onboard');

    // Again, refusing everything: nothing it already has is asked for or changed.
    const config = readFileSync(join(s.repo, '.orch/config.toml'), 'utf8');
    const again = await sh(s, `printf '\\n\\n\\nn\\nn\\nn\\n' | orch onboard --no-sync`);
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(readFileSync(join(s.repo, '.orch/config.toml'), 'utf8')).toBe(config);
    expect(again.stdout).not.toContain('Create docs/plans/');
  });
});

describe('orch init (what a new user types first) on a machine without an agent CLI', () => {
  it('is onboard; its last line says to install the agent before `orch start --wait`', async () => {
    sb = sandbox({ 'README.md': '# demo\n' });
    installOrch(sb);
    const s = sb;
    rmSync(join(s.base, 'bin', 'claude'));
    // No agent CLI anywhere on PATH (the project's node_modules/.bin has the real ones).
    s.env.PATH = `${join(s.base, 'bin')}:/usr/local/bin:/usr/bin:/bin`;
    const r = await sh(s, 'orch init --yes');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('FAIL agents: no supported agent CLI on PATH');
    expect(r.stdout).toMatch(/synced 1 task; next: Claude Code is not installed: install: npm i -g @anthropic-ai\/claude-code@[\d.]+; .*; then orch start --wait\n$/);
  });
});
