import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { daemonPid, installOrch, sh } from './cli.js';

// Issue 16, blockers: `orch start --wait` exits 0 only when every task in scope merged, says what is left and
// why, and never hangs silently. Each case runs `orch start --wait && echo deployed` as a script would.
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

const DEPLOY = 'orch start --wait && echo deployed';
const one = (extra: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Sandbox => {
  const s = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }), ...extra }, { env });
  installOrch(s);
  return s;
};

describe('orch start --wait && echo deployed', () => {
  it('prints deployed only when everything merged (exit 0)', async () => {
    sb = one({ 'docs/plans/core-module/epic-02-b.md': epic('B', 'Second thing.', { 'src/b.txt': 'b' }) });
    const r = await sh(sb, DEPLOY);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployed');
    expect(r.stdout).toMatch(/merged core\/E01 as [0-9a-f]{7}/);
    expect(r.stdout).toContain('all merged');
    // One line per event, no internal state names unless --verbose.
    expect(r.stdout).not.toContain('agent_done');
  });

  it('joining a batch already running: says it follows them, and its end counts the merges it followed', async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing. [[fake:slow=3000]]', { 'src/a.txt': 'a' }) });
    installOrch(sb);
    const s = sb;
    expect(s.orch('start').status).toBe(0);
    await until(() => s.orchJson<{ active: Array<{ state: string }> }>('status').active.some((r) => r.state === 'running'), 'the agent to run');
    const r = await sh(s, DEPLOY);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('core/E01 already running; following them');
    expect(r.stdout).not.toContain('nothing ready to start');
    expect(r.stdout).toMatch(/merged core\/E01 as [0-9a-f]{7}/);
    expect(r.stdout).toMatch(/core\/E01 +merged .* on main/);
    expect(r.stdout).toContain('1 merged, 0 failed');
    expect(r.stdout).toContain('deployed');
  });

  it('agent CLI missing: exit 1, the reason said once for both tasks, no deployed', async () => {
    sb = one({
      'docs/plans/web-module/epic-01-b.md': epic('B', 'Independent.', { 'src/b.txt': 'b' }),
      '.orch/config.toml': '[agent]\ncommand = "claude-not-installed"\n',
    });
    const r = await sh(sb, DEPLOY);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('deployed');
    expect(r.stdout).toContain('2 of 2 tasks not merged');
    expect(r.stdout).not.toContain('0 merged, 0 failed');
    // Once when it did not start, once in what is left: not once per task.
    expect(r.stdout.match(/is not an executable file/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/core\/E01 and web\/E01: not started: .*claude-not-installed/);
  });

  it('orch start without --wait that can start nothing (agent CLI missing) exits 1 saying so', async () => {
    sb = one({ '.orch/config.toml': '[agent]\ncommand = "claude-not-installed"\n' });
    const r = await sh(sb, 'orch start && echo started');
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('started\n');
    expect(r.stdout).toMatch(/not started now: core\/E01: .*claude-not-installed/);
    expect(r.stdout).toContain('nothing was started: fix what is said above, then `orch start` again');
    // orch status says why it did not start and that the fix comes before another start (not "wait for dependencies").
    const st = sb.orch('status');
    expect(st.stdout).toMatch(/not started core\/E01: .*claude-not-installed/);
    expect(st.stdout).toMatch(/\nnext: core\/E01 is ready but not started \(why: above\); fix that, then `orch start`\n$/);
  });

  it('--module web while web tasks wait for api/E02 outside the module: exit 1 and says so', async () => {
    sb = sandbox({
      'docs/plans/api-module/epic-01-a.md': epic('A', 'Api one.', { 'api/a.txt': 'a' }),
      'docs/plans/api-module/epic-02-b.md': epic('B', 'Api two.', { 'api/b.txt': 'b' }),
      'docs/plans/web-module/epic-01-a.md': epic('A', 'Web one.', { 'web/a.txt': 'a' }),
      'docs/plans/web-module/epic-02-b.md': epic('B', 'Web two.', { 'web/b.txt': 'b' }, 'depends_on: [api/E02]'),
      'docs/plans/web-module/epic-03-c.md': epic('C', 'Web three.', { 'web/c.txt': 'c' }, 'depends_on: [api/E02, web/E02]'),
    });
    installOrch(sb);
    const r = await sh(sb, 'orch start --wait --module web && echo deployed');
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).not.toContain('deployed');
    expect(r.stdout).toMatch(/merged web\/E01/);
    expect(r.stdout).toContain('2 of 3 tasks of web not merged');
    expect(r.stdout).toContain('web/E02 and web/E03: wait for api/E02, outside --module web');
  });

  it('another terminal runs orch stop: exit 1, no deployed', async () => {
    sb = one({}, { FAKE_CLAUDE_HANG_UNLESS_RESUMED: '1' });
    const s = sb;
    const waiting = sh(s, DEPLOY);
    await until(() => s.orchJson<{ active: unknown[] }>('status').active.length > 0, 'the agent to run');
    expect(s.orch('stop').status).toBe(0);
    const r = await waiting;
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('deployed');
    expect(r.stdout).toMatch(/stopped/);
  });

  it('paused: exit 1 with the reason at once instead of hanging', async () => {
    sb = one();
    // A task that is not running is said to be so, not "no agent was running".
    const idle = sb.orch('pause', 'core/e1');
    expect(idle.status).toBe(0);
    expect(idle.stdout).toBe('core/E01 was not running: nothing to pause (`orch pause` alone stops new starts)\n');
    const all = sb.orch('pause');
    expect(all.status).toBe(0);
    expect(all.stdout).toBe('paused: nothing new starts until `orch resume`\nno agent was running\n');
    // The pause outlives a daemon restart, and `orch next` says so above the order it would start in.
    expect(sb.orch('daemon', 'restart').status).toBe(0);
    const next = sb.orch('next');
    expect(next.status).toBe(0);
    expect(next.stdout).toMatch(/^Orch is paused: none of these starts until `orch resume`\n.*core\/E01/s);
    const r = await sh(sb, DEPLOY, { timeoutMs: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('deployed');
    expect(r.stdout).toContain('Orch is paused');
    expect(r.stdout).toContain('orch resume');
    // Nothing ran: no "0 merged, 0 failed" as if something had been tried.
    expect(r.stdout).toContain('no task ran in this start');
    expect(r.stdout).not.toContain('0 merged');
  });

  it('target checkout dirty: the merge waits for a person, so exit 1 saying why', async () => {
    sb = one({ 'README.md': 'hello\n' });
    writeFileSync(join(sb.repo, 'README.md'), 'edited, not committed\n');
    const r = await sh(sb, DEPLOY);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('deployed');
    expect(r.stdout).toMatch(/uncommitted changes/);
  });

  it('the daemon dies during --wait: exit 3 saying so', async () => {
    sb = one({}, { FAKE_CLAUDE_HANG_UNLESS_RESUMED: '1' });
    const s = sb;
    const waiting = sh(s, DEPLOY);
    await until(() => s.orchJson<{ active: unknown[] }>('status').active.length > 0, 'the agent to run');
    process.kill(daemonPid(s) ?? 0, 'SIGKILL');
    const r = await waiting;
    expect(r.status).toBe(3);
    expect(r.stdout).not.toContain('deployed');
    expect(r.stderr).toContain('daemon');
  });

  it('a daemon too busy to answer at once is waited for, not replaced (no exit 3 from the lock it holds)', async () => {
    sb = one();
    expect(sb.orch('sync').status).toBe(0);
    const pid = daemonPid(sb) ?? 0;
    // The daemon stops answering (as under load): the next command's daemon meets the lock and exits 3; the command
    // must then wait for the daemon that holds the lock. It answers again a moment after the newcomer gave up.
    const log = '"$(dirname "$(find "$XDG_STATE_HOME" -name daemon.log | head -1)")/daemon.log"';
    const r = await sh(
      sb,
      `kill -STOP ${pid}; orch status --json > /dev/null & c=$!; until grep -q 'already running' ${log}; do sleep 0.1; done; sleep 1.5; kill -CONT ${pid}; wait $c`,
    );
    process.kill(pid, 'SIGCONT');
    expect(r.status, r.stderr).toBe(0);
    expect(daemonPid(sb)).toBe(pid);
  });

  it('a config problem exits 2 before anything starts', async () => {
    sb = one({ '.orch/config.toml': 'max_parallel_agents = "three"\n' });
    const r = await sh(sb, DEPLOY);
    expect(r.status).toBe(2);
    expect(r.stdout).not.toContain('deployed');
    expect(r.stderr).toContain('.orch/config.toml:1');
  });

  it('no plan (or one that does not parse) and no task: exit 2 saying so, never "all merged"', async () => {
    sb = sandbox({ 'README.md': '# app\n' });
    installOrch(sb);
    const r = await sh(sb, DEPLOY);
    expect(r.status).toBe(2);
    expect(r.stdout).not.toContain('deployed');
    expect(r.stdout).not.toContain('all merged');
    expect(r.stderr).toContain('error: nothing to run: the plan is invalid (1 problem): `orch sync` lists them');
    const json = await sh(sb, 'orch start --wait --json');
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout).verdict).toEqual({ ok: false, left: [], lines: ['nothing to run: the plan is invalid (1 problem): `orch sync` lists them'] });
    expect((await sh(sb, 'orch start')).status).toBe(2);
    expect((await sh(sb, 'orch list')).stdout).toBe('no tasks: the plan is invalid (1 problem): `orch sync` lists them\n');
    expect((await sh(sb, 'orch next')).stdout).toBe('no tasks: the plan is invalid (1 problem): `orch sync` lists them\n');
  });

  it('a plan made invalid by an edit: start runs the last plan that synced and warns', async () => {
    sb = one();
    const s = sb;
    expect(s.orch('sync').status).toBe(0);
    s.write('docs/plans/core-module/epic-02-b.md', '---\ndepends_on: [nothing/E09]\n---\n# B\n\nText.\n');
    s.commitAll('plan: a bad edit');
    expect(s.orch('sync').status).toBe(2);
    const r = await sh(s, DEPLOY);
    expect(r.stderr).toContain('warning: the plan is invalid (1 problem); Orch runs the plan of the last sync that passed; `orch sync` lists the problems');
    expect(r.stdout).toContain('deployed');
  });
});
