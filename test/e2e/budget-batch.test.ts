import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/agents/index.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { showTask } from './runs.js';

interface BudgetJson {
  lines: Array<{ key: string; scope: string; id: string; spent: number; limit: number; state: string }>;
  resumed?: string[];
}

// The project's test fails until fixed.txt exists and prints the file block that fixes it (the fake agent writes
// the file blocks of its prompt): the first change goes back to its agent once.
const CHECK = [
  "import { existsSync } from 'node:fs';",
  "if (existsSync('fixed.txt')) { console.log('1 test passed'); process.exit(0); }",
  "console.log('FAIL greet.test.js: expected fixed.txt. Write it:');",
  "console.log('```file:fixed.txt\\nfixed\\n```');",
  'process.exit(1);',
].join('\n');

const calls = (sb: Sandbox) => readFileSync(sb.agentLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { resume: string | null; prompt: string });

describe("a scheduled batch's own budget (budget_usd), with no [budget] in config", () => {
  const boxes: Sandbox[] = [];
  afterAll(() => {
    for (const b of boxes) b.cleanup();
  });

  it('the turn that crosses it is the last: no fix turn, no new task, kill -9 changes nothing; a raise goes on with the fix', async () => {
    const sb = sandbox({
      'check.mjs': CHECK,
      'docs/plans/core-module/epic-01-greet.md': epic('Greeting', 'A greeting.', { 'src/greet.js': 'export const greet = () => "hi";' }),
      'docs/plans/core-module/epic-02-bye.md': epic('Farewell', 'A farewell.', { 'src/bye.js': 'export const bye = () => "bye";' }),
      '.orch/config.toml': 'max_parallel_agents = 1\n\n[commands]\ntest = ["node", "check.mjs"]\n',
      // One fake turn costs $0.0123: the first one spends the batch's $0.01.
      '.orch/schedule.toml': '[[batch]]\nname = "night"\ncron = "0 2 * * *"\ntasks = ["core/E01", "core/E02"]\nbudget_usd = 0.01\n',
    });
    boxes.push(sb);
    const run = await sb.orchAsync('batch', 'run', 'night');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const paused = await until(async () => {
      const r = (await showTask(sb, 'core/E01')).runs[0];
      return r?.state === 'waiting' && r.waitingReason?.startsWith('paused by budget') ? r : undefined;
    }, 'core/E01 paused by the batch budget');
    expect(paused.waitingReason).toMatch(/batch_usd: .* is spent: \$0\.01\d* of \$0\.01.*orch budget raise batch_usd/);
    // The failing test did not send the spent batch back to its agent, and core/E02 did not start.
    expect(calls(sb)).toHaveLength(1);
    expect((await showTask(sb, 'core/E02')).runs).toHaveLength(0);
    const spent = (JSON.parse((await sb.orchAsync('budget', '--json')).stdout) as BudgetJson).lines.find((l) => l.key === 'batch_usd');
    expect(spent).toMatchObject({ scope: 'batch', id: paused.batchId, limit: 0.01, state: 'exceeded' });

    // Killed at the budget line: the next daemon keeps the run paused and counts its spend once.
    const pid = sb.orchJson<{ daemon: { pid: number } }>('status').daemon.pid;
    process.kill(pid, 'SIGKILL');
    await until(() => !isAlive(pid), 'the daemon to die', 20_000);
    expect((await sb.orchAsync('resume')).status).toBe(0);
    const after = await showTask(sb, 'core/E01');
    expect(after.runs).toHaveLength(1);
    expect(after.runs[0]).toMatchObject({ state: 'waiting', sessionId: paused.sessionId });
    expect(after.runs[0]?.waitingReason).toMatch(/^paused by budget/);
    const again = (JSON.parse((await sb.orchAsync('budget', '--json')).stdout) as BudgetJson).lines.find((l) => l.key === 'batch_usd');
    expect(again?.spent).toBe(spent?.spent);
    expect(calls(sb)).toHaveLength(1);

    const raised = JSON.parse((await sb.orchAsync('budget', 'raise', 'batch_usd', '1', '--json')).stdout) as BudgetJson;
    expect(raised.resumed).toEqual(['core/E01']);
    await until(async () => (await showTask(sb, 'core/E02')).task.status === 'complete', 'core/E02 merged after the raise', 60_000);
    expect((await showTask(sb, 'core/E01')).task.status).toBe('complete');
    expect(sb.git('show', 'main:fixed.txt').trim()).toBe('fixed');
    // The fix went to the same session with the failing test's output.
    const fix = calls(sb).find((c) => c.prompt.includes('FAIL greet.test.js'));
    expect(fix?.resume).toBe(paused.sessionId);
  });
});
