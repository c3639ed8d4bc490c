import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRootDir, sandbox, until, type Sandbox } from '../harness.js';

const fakeBd = join(repoRootDir, 'test/fixtures/beads/bd');
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

const issue = (id: string, title: string, file: string) => ({
  id, title, status: 'open', priority: 2, issue_type: 'task',
  description: `Create ${file}.\n\n\`\`\`file:${file}\nexport const x = '${id}';\n\`\`\``,
});

describe('Beads issues closed outside Orch (fake bd, through the CLI and the daemon)', () => {
  it('an issue a person closes is removed from the tasks at the next sync and never started; the one Orch merged and closed stays complete', async () => {
    const s = (sb = sandbox({ '.orch/config.toml': `[sources.beads]\ncommand = ${JSON.stringify(fakeBd)}\n` }));
    const state = join(s.base, 'beads.json');
    writeFileSync(state, JSON.stringify([issue('bd-e1', 'Greeting', 'src/greet.js'), issue('bd-e2', 'Farewell', 'src/bye.js'), issue('bd-e3', 'Extra', 'src/extra.js')]));
    Object.assign(s.env, { BD_FAKE_STATE: state, BD_FAKE_LOG: join(s.base, 'bd.log') });
    const bd = (...args: string[]) => execFileSync(fakeBd, [...args, '--json'], { env: s.env, encoding: 'utf8' });
    const statuses = () => Object.fromEntries((JSON.parse(readFileSync(state, 'utf8')) as Array<{ id: string; status: string }>).map((i) => [i.id, i.status]));

    const start = s.orch('start', '--wait', 'bd-e1');
    expect(start.status, start.stdout + start.stderr).toBe(0);
    await until(() => statuses()['bd-e1'] === 'closed', 'bd close of bd-e1');

    // A person closes bd-e2 (it was never started) and claims then closes bd-e3, all outside Orch.
    bd('close', 'bd-e2', '--reason', 'not needed any more');
    bd('update', 'bd-e3', '--status', 'in_progress');
    bd('close', 'bd-e3', '--reason', 'done by hand');
    const sync = s.orch('sync');
    expect(sync.status, sync.stdout + sync.stderr).toBe(0);
    expect(sync.stdout).toContain('removed from the plan: bd-e2');
    expect(sync.stdout).toContain('removed from the plan: bd-e3');
    const list = s.orchJson<Array<{ id: string; status: string; removed: boolean }>>('list');
    expect(list.map((t) => [t.id, t.status, t.removed])).toEqual([
      ['bd-e1', 'complete', false],
      ['bd-e2', 'not_started', true],
      ['bd-e3', 'not_started', true],
    ]);
    // Asked for by name, a removed task is not started.
    const again = s.orch('start', '--wait', 'bd-e2');
    expect(again.stdout + again.stderr).toContain('removed from the plan');
    expect(s.git('log', '--format=%s', 'main')).not.toContain('Farewell');
  }, 120_000);

  it('a claim someone else won first: the task does not run, start --wait exits 1 saying who has it, their claim stays', async () => {
    const s = (sb = sandbox({ '.orch/config.toml': `[sources.beads]\ncommand = ${JSON.stringify(fakeBd)}\n` }));
    const state = join(s.base, 'beads.json');
    writeFileSync(state, JSON.stringify([issue('bd-r1', 'Raced', 'src/raced.js')]));
    // alice claims bd-r1 between Orch's `bd ready` and its `bd update --claim`.
    Object.assign(s.env, { BD_FAKE_STATE: state, BD_FAKE_LOG: join(s.base, 'bd.log'), BD_FAKE_RACE: 'bd-r1=alice' });
    const start = s.orch('start', '--wait', 'bd-r1');
    const out = start.stdout + start.stderr;
    expect(start.status, out).toBe(1);
    expect(out).toContain('bd-r1 was claimed in Beads by alice before Orch could claim it, so Orch did not run it');
    const issues = JSON.parse(readFileSync(state, 'utf8')) as Array<{ id: string; status: string; assignee?: string }>;
    expect(issues[0]).toMatchObject({ status: 'in_progress', assignee: 'alice' });
    // No agent ran: nothing was committed and no agent was started for it.
    expect(s.git('log', '--format=%s', '--all')).not.toContain('Raced');
    expect(existsSync(s.agentLog)).toBe(false);
    expect(readFileSync(join(s.base, 'bd.log'), 'utf8')).not.toContain('update bd-r1 --status open');
    const shown = s.orchJson<{ runs: Array<{ state: string; pid: number | null }> }>('show', 'bd-r1');
    expect(shown.runs.map((r) => r.state)).toEqual(['failed']);
    // The next sync drops it: in progress under alice, it is not Orch's task.
    const sync = s.orch('sync');
    expect(sync.stdout).toContain('removed from the plan: bd-r1');
  }, 120_000);
});
