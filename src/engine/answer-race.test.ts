import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyUsage, type AgentBackend, type AgentOutcome, type AgentRunRequest } from '../agents/index.js';
import { createStore, type Store } from '../store/index.js';
import { createAnswers } from './answers.js';
import { createRunner, type RunnerDeps } from './runner.js';

/**
 * The runner and the answers desk wired as the engine wires them, on a real store, around an agent that asks a
 * question and a git whose history check the test holds open: an answer can come at any moment of a turn's end.
 */
function rig(dir: string) {
  const store: Store = createStore(join(dir, 'orch.db'));
  store.tasks.sync(
    [{ id: 'a/E01', module: 'a', epic: 1, title: 'Ask', description: '', file: 'docs/plans/a-module/epic-01-ask.md', body: '# Ask\n', priority: 'medium', dependsOn: [], dependencySources: [], needsReview: false, touches: [], conflictsWith: [] }],
    () => false,
  );
  const prompts: string[] = [];
  let ask: (runId: string) => void = () => undefined;
  const backend: AgentBackend = {
    id: 'scripted',
    check: () => Promise.resolve({ ok: true, command: 'scripted' }),
    start(req: AgentRunRequest) {
      prompts.push(req.prompt);
      // Each turn asks a question (through its MCP server, as orch_ask does), then ends its turn without the answer.
      ask(req.runId);
      const outcome: AgentOutcome = { ok: true, sessionId: 'sess-1', usage: emptyUsage(), resultText: 'Waiting for the answer.', exitCode: 0, signal: null, durationMs: 1, canceled: false };
      return { pid: 999_999, pgid: 999_999, result: new Promise((r) => setTimeout(() => r(outcome), 5)) };
    },
  };
  /** The history check of each turn end waits until the test lets it go. */
  const checks: Array<() => void> = [];
  const deps = {
    store,
    repo: {
      snapshotRemoteRefs: () => Promise.resolve({}),
      checkHistory: () => new Promise<never[]>((r) => checks.push(() => r([]))),
      rebasing: () => Promise.resolve(false),
    },
    backendFor: () => ({ name: 'default', backendId: 'scripted', backend, model: null, systemPrompt: null, env: {} }),
    modules: () => [],
    logsDir: join(dir, 'logs'),
    forgeCfg: { max_fix_attempts: 1 },
    agentTimeoutMs: 60_000,
    maxRetries: 0,
    maxTestFailures: 0,
    stuckMs: 60_000,
    onActivity: () => undefined,
    onTurnEnd: () => undefined,
    onSettled: () => undefined,
    emit: () => undefined,
    undeliveredAnswer: (signals: Parameters<NonNullable<RunnerDeps['undeliveredAnswer']>>[0]) => answers.undelivered(signals),
  } as unknown as RunnerDeps;
  const runner = createRunner(deps);
  const answers = createAnswers({ store, emit: () => undefined, runner: () => runner, answerPrompt: (_task, text) => `The answer: ${text}`, toPlanner: () => undefined });
  ask = (runId) => void answers.signal(runId, { kind: 'question', text: 'Which currency should prices use?' });
  store.runs.create({ id: 'r1', taskId: 'a/E01', batchId: null, attempt: 1, branch: 'feat/a-E01', worktree: join(dir, 'wt'), targetBranch: 'main', backend: 'scripted', model: null });
  store.runs.update('r1', { state: 'spawning', nextPrompt: 'Do it.', baseSha: 'abc' });
  return { store, runner, answers, prompts, checks };
}

const until = async (what: () => boolean, label: string): Promise<void> => {
  for (let i = 0; i < 500 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!what()) throw new Error(`timed out waiting for ${label}`);
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('an answer that comes while a turn ends', () => {
  it('given while the turn is being checked (after the agent ended, before the run waits) resumes the run with it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-answer-race-'));
    const { store, runner, answers, prompts, checks } = rig(dir);
    const driven = runner.drive('r1');
    // The agent asked and ended; its turn's history check is under way.
    await until(() => checks.length === 1, 'the first turn to end');
    expect(store.runs.get('r1')?.state).toBe('running');
    const [q] = answers.questions();
    answers.answer(q!.id, { answer: 'EUR' }, 'alice');
    checks.shift()!();
    // The run resumed with the answer (a second turn), instead of waiting for an answer already given.
    await until(() => checks.length === 1, 'the second turn to end');
    expect(prompts).toEqual(['Do it.', 'The answer: EUR']);
    checks.shift()!();
    await driven;
    // The second turn's own question is the one waited for now.
    const run = store.runs.get('r1')!;
    expect(run.state).toBe('waiting');
    expect(answers.questions()).toHaveLength(1);
    expect(run.waitingReason).toContain(answers.questions()[0]!.id);
    store.close();
  });

  it('given once the run waits wakes it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-answer-race-'));
    const { store, runner, answers, prompts, checks } = rig(dir);
    const driven = runner.drive('r1');
    await until(() => checks.length === 1, 'the first turn to end');
    checks.shift()!();
    await driven;
    expect(store.runs.get('r1')?.state).toBe('waiting');
    answers.answer(answers.questions()[0]!.id, { answer: 'EUR' }, 'alice');
    await until(() => checks.length === 1, 'the woken turn to end');
    expect(prompts).toEqual(['Do it.', 'The answer: EUR']);
    expect(store.runs.get('r1')?.state).toBe('running');
    checks.shift()!();
    await until(() => store.runs.get('r1')?.state === 'waiting', 'the second question');
    store.close();
  });
});
