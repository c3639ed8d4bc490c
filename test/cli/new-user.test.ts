import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { epic, orchBin, sandbox, until, type Sandbox } from '../harness.js';
import { installOrch, sh } from './cli.js';

// Issues 15 and 16: a new user's repositories as they come (another default branch, a detached HEAD, ...), run
// through the built CLI in a temporary repository and HOME.
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

const plan = { 'docs/plans/core/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }) };

describe('repositories a new user has', () => {
  it('a detached HEAD: the only branch is the target; with several, exit 2 naming them and what to do', async () => {
    sb = sandbox(plan);
    installOrch(sb);
    const s = sb;
    s.git('branch', '-m', 'main', 'trunk');
    s.git('checkout', '-q', '--detach');
    const one = await sh(s, 'orch sync');
    expect(one.status, one.stderr).toBe(0);
    expect(s.orchJson<{ project: { targetBranch: string } }>('status').project.targetBranch).toBe('trunk');
    expect(s.orch('daemon', 'stop').status).toBe(0);
    s.git('branch', 'dev');
    const two = await sh(s, 'orch sync');
    expect(two.status).toBe(2);
    expect(two.stderr).toMatch(/^error: cannot tell the target branch of .*: HEAD is detached and no branch is called main or master \(branches: dev, trunk\); check out the branch Orch should merge into, or set target_branch in \.orch\/config\.toml \(the daemon did not start; its log: .*daemon\.log\)\n$/);
    const doctor = await sh(s, 'orch doctor');
    expect(doctor.stdout).toContain('FAIL target branch: HEAD is detached and no branch is called main or master (branches: dev, trunk)');
    // Checking out the branch is the fix.
    s.git('checkout', '-q', 'trunk');
    expect((await sh(s, 'orch sync')).status).toBe(0);
  });

  it('doctor in a repository with no plan points at orch onboard', async () => {
    sb = sandbox({ 'README.md': '# app\n' });
    installOrch(sb);
    const r = await sh(sb, 'orch doctor');
    expect(r.stdout).toMatch(/warn plans: .*docs\/plans does not exist\n {5}fix: `orch onboard` writes a starter plan, or create docs\/plans\/<module>\/epic-01-<slug>\.md/);
  });

  it('a current directory removed under the shell: one line saying so, exit 2, no stack trace', async () => {
    sb = sandbox(plan);
    installOrch(sb);
    const r = await sh(sb, 'mkdir gone && cd gone && rmdir ../gone && orch status');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: the current directory no longer exists (removed after this shell entered it); cd into your project's checkout, or pass -C <dir>\n");
    expect(r.stderr).not.toContain('    at ');
  });

  it('--json prints a JSON document on stdout even when the command fails, with the exit code in it', async () => {
    sb = sandbox(plan);
    installOrch(sb);
    const s = sb;
    expect(s.orch('sync').status).toBe(0);
    for (const line of ['orch show nope --json', 'orch show --json', 'orch frobnicate --json', 'orch sync --bogus --json', 'orch list --module zz --json', 'orch -C /nonexistent status --json', 'orch start --count 0 --json']) {
      const r = await sh(s, line);
      expect(r.status, line).toBe(2);
      const doc = JSON.parse(r.stdout) as { ok: boolean; error: { message: string; exitCode: number; code?: string } };
      expect(doc.ok, line).toBe(false);
      expect(doc.error.exitCode, line).toBe(2);
      // The same words as on stderr, for a person.
      expect(r.stderr, line).toContain(doc.error.message);
    }
    expect(JSON.parse((await sh(s, 'orch show nope --json')).stdout).error.code).toBe('unknown_task');
    // A command that answers with JSON of its own on failure is not given a second document.
    const doctor = await sh(s, 'orch doctor --json');
    expect(() => JSON.parse(doctor.stdout)).not.toThrow();
  });

  it('Ctrl-C during start --wait: exit 130 saying the daemon keeps working; the run goes on and merges', async () => {
    sb = sandbox({ 'docs/plans/core/epic-01-a.md': epic('A', 'First thing. [[fake:slow=4000]]', { 'src/a.txt': 'a' }) });
    const s = sb;
    for (const json of [false, true]) {
      if (json) s.write('docs/plans/core/epic-02-b.md', epic('B', 'Second thing. [[fake:slow=4000]]', { 'src/b.txt': 'b' }));
      if (json) s.commitAll('plan: B');
      if (json) expect(s.orch('sync').status).toBe(0);
      const child = spawn(process.execPath, [orchBin, 'start', '--wait', ...(json ? ['--json'] : [])], { cwd: s.repo, env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
      const task = json ? 'core/E02' : 'core/E01';
      await until(() => s.orchJson<{ active: Array<{ taskId: string; state: string }> }>('status').active.some((r) => r.taskId === task && r.state === 'running'), `${task} to run`);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain('interrupted; the daemon keeps working: `orch status` shows it, `orch start --wait` follows it again, `orch stop` stops it');
      if (json) expect(JSON.parse(stdout.slice(stdout.lastIndexOf('{\n  "ok": false')))).toMatchObject({ ok: false, error: { exitCode: 130, code: 'interrupted' } });
      await until(() => s.orchJson<Array<{ id: string; status: string }>>('list').find((t) => t.id === task)?.status === 'complete', `${task} to merge after the interrupt`);
    }
  }, 120_000);
});
