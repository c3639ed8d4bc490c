import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRootDir, sandbox, until, type Sandbox } from '../harness.js';

const write = (path: string, content: string) => ({ name: 'Write', input: { file_path: `{{cwd}}/${path}`, content } });
/** Scripts of the simulated model, chosen by a `[[scenario:NAME]]` marker in the prompt. */
const scenarios = {
  ask: [{ text: 'I need a decision.', tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Which currency should prices use?' } }] }, { text: 'Waiting for the answer.' }],
  answered: [{ text: 'Using the answer.', tools: [write('currency.txt', 'EUR\n')] }, { text: 'Done: wrote currency.txt' }],
  stuck: [{ text: 'Blocked.', tools: [{ name: 'mcp__orch__orch_stuck', input: { reason: 'the API key for the payment sandbox is missing' } }] }, { text: 'Stopping.' }],
  guided: [{ text: 'Following the guidance.', tools: [write('payments.txt', 'mocked\n')] }, { text: 'Done: wrote payments.txt' }],
  flaky: [{ httpError: { status: 529, times: 1 }, tools: [write('flaky.txt', 'ok\n')] }, { text: 'Done: wrote flaky.txt' }],
  askplan: [{ text: 'I need a plan decision.', tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Cents or decimals for prices? [[scenario:planner]]', audience: 'orchestrator' } }] }, { text: 'Waiting for the answer.' }],
  // The planner's reply: the question's marker is the first in the planner prompt, so this is what it plays.
  planner: [{ text: 'Integer cents, as the plan says for every amount. [[scenario:planned]]' }],
  planned: [{ text: 'Using cents.', tools: [write('cents.txt', 'cents\n')] }, { text: 'Done: wrote cents.txt' }],
  push: [{ text: 'Publishing.', tools: [{ name: 'Bash', input: { command: 'git push origin HEAD', description: 'push' } }] }, { text: 'Writing.', tools: [write('pushed.txt', 'x\n')] }, { text: 'Done.' }],
};

async function startModel(dir: string): Promise<{ url: string; close: () => void }> {
  const file = join(dir, 'scenarios.json');
  writeFileSync(file, JSON.stringify({ scenarios }));
  const child: ChildProcess = spawn(process.execPath, [join(repoRootDir, 'dist/src/simulator/main.js'), '--port', '0', '--scenario', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`simulator exited with ${c}`)));
  });
  return { url: url.trim(), close: () => child.kill() };
}

interface RunJson {
  id: string;
  state: string;
  sessionId: string | null;
  attempt: number;
  waitingReason: string | null;
  error: string | null;
}

describe('agent signals through Orch with the real Claude Code binary', () => {
  let sb: Sandbox;
  let model: { url: string; close: () => void };
  beforeAll(async () => {
    const epic = (title: string, marker: string) => `# ${title}\n\nDo it. [[scenario:${marker}]]\n`;
    sb = sandbox({
      // No wait in the tool call: every answer reaches the agent by resuming its session, whatever the timing.
      '.orch/config.toml': '[agent]\nanswer_wait_seconds = 0\nmax_retries = 2\n',
      'docs/plans/a-module/epic-01-ask.md': epic('Ask', 'ask'),
      'docs/plans/b-module/epic-01-stuck.md': epic('Stuck', 'stuck'),
      'docs/plans/c-module/epic-01-flaky.md': epic('Flaky', 'flaky'),
      'docs/plans/d-module/epic-01-push.md': epic('Push', 'push'),
      'docs/plans/e-module/epic-01-plan.md': epic('Prices', 'askplan'),
    }, { realClaude: true });
    model = await startModel(sb.base);
    Object.assign(sb.env, { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CONFIG_DIR: join(sb.base, 'claude'), CLAUDE_CODE_MAX_RETRIES: '0' });
    sb.git('init', '-q', '--bare', join(sb.base, 'origin.git'));
    sb.git('remote', 'add', 'origin', join(sb.base, 'origin.git'));
    sb.git('push', '-q', 'origin', 'main');
  });
  afterAll(() => {
    sb?.cleanup();
    model?.close();
  });

  const run = (task: string) => sb.orchJson<{ task: { status: string }; runs: RunJson[] }>('show', task);

  it('a question waits for a human, the answer resumes the same session, and the work merges', async () => {
    expect(sb.orch('start', 'a/E01').status).toBe(0);
    const waiting = await until(() => {
      const r = run('a/E01').runs[0];
      return r?.state === 'waiting' ? r : undefined;
    }, 'the run to wait for an answer', 90_000);
    expect(waiting.waitingReason).toContain('Which currency should prices use?');
    const qs = sb.orchJson<Array<{ id: string; taskId: string; text: string }>>('questions');
    expect(qs).toHaveLength(1);
    expect(qs[0]).toMatchObject({ taskId: 'a/E01', text: 'Which currency should prices use?' });
    const a = sb.orch('answer', qs[0]!.id, 'EUR', '[[scenario:answered]]');
    expect(a.status, a.stderr).toBe(0);
    await until(() => run('a/E01').task.status === 'complete', 'the answered run to merge', 90_000);
    const done = run('a/E01').runs[0]!;
    expect(done.sessionId).toBe(waiting.sessionId);
    expect(done.attempt).toBe(2);
    expect(sb.git('show', 'main:currency.txt')).toBe('EUR\n');
    expect(sb.orchJson<unknown[]>('questions')).toHaveLength(0);
  });

  it('a question for the orchestrator is answered by the planner from the plan, and the session resumes with it', async () => {
    const r = sb.orch('start', 'e/E01', '--wait');
    const logs = sb.orch('logs', 'e/E01').stdout;
    expect(r.status, r.stdout + r.stderr + logs).toBe(0);
    expect(logs).toMatch(/question \S+ goes to the planner \(default\)/);
    expect(logs).toMatch(/the planner answered question/);
    const done = run('e/E01').runs[0]!;
    expect(done.attempt).toBe(2);
    expect(sb.git('show', 'main:cents.txt')).toBe('cents\n');
    // Nobody had to answer it.
    expect(sb.orchJson<unknown[]>('questions')).toHaveLength(0);
  });

  it('a stuck agent waits; orch resume with guidance continues the session to merged', async () => {
    expect(sb.orch('start', 'b/E01').status).toBe(0);
    const waiting = await until(() => {
      const r = run('b/E01').runs[0];
      return r?.state === 'waiting' ? r : undefined;
    }, 'the run to be stuck', 90_000);
    expect(waiting.waitingReason).toMatch(/^stuck: the API key for the payment sandbox is missing/);
    const r = sb.orch('resume', 'b/E01', '--guidance', 'Mock the payment sandbox. [[scenario:guided]]');
    expect(r.status, r.stderr).toBe(0);
    await until(() => run('b/E01').task.status === 'complete', 'the guided run to merge', 90_000);
    expect(run('b/E01').runs[0]!.sessionId).toBe(waiting.sessionId);
    expect(sb.git('show', 'main:payments.txt')).toBe('mocked\n');
  });

  it('an overloaded API is retried with backoff and the run still merges', async () => {
    const r = sb.orch('start', 'c/E01', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const logs = sb.orch('logs', 'c/E01').stdout;
    expect(logs).toMatch(/transient failure, retrying in \d+ s/);
    expect(sb.git('show', 'main:flaky.txt')).toBe('ok\n');
  });

  it('a push is refused by the deny-list, never reaches the remote, and the work merges locally', () => {
    const before = sb.git('--git-dir', join(sb.base, 'origin.git'), 'for-each-ref');
    const r = sb.orch('start', 'd/E01', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.git('--git-dir', join(sb.base, 'origin.git'), 'for-each-ref')).toBe(before);
    expect(sb.orch('logs', 'd/E01').stdout).toMatch(/git push origin HEAD/);
    expect(existsSync(join(sb.repo, 'pushed.txt'))).toBe(true);
    expect(readFileSync(join(sb.repo, 'pushed.txt'), 'utf8')).toBe('x\n');
  });
});
