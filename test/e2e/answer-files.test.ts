import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookPayload } from '../../src/api/index.js';
import { repoRootDir, sandbox, until, type Sandbox } from '../harness.js';
import { startReceiver, type Receiver } from '../notify-receiver.js';

const write = (path: string, content: string) => ({ name: 'Write', input: { file_path: `{{cwd}}/${path}`, content } });
const scenarios = {
  ask: [{ text: 'I need a decision.', tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Which currency should prices use?' } }] }, { text: 'Waiting for the answer.' }],
  answered: [{ text: 'Using the answer.', tools: [write('currency.txt', 'EUR\n')] }, { text: 'Done: wrote currency.txt' }],
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

describe('a question notified by webhook and answered by an answer file (real Claude Code)', () => {
  let sb: Sandbox;
  let model: { url: string; close: () => void };
  let hook: Receiver;
  beforeAll(async () => {
    hook = await startReceiver(() => ({ status: 204 }));
    sb = sandbox({ '.orch/config.toml': '[agent]\nanswer_wait_seconds = 0\n', 'docs/plans/a-module/epic-01-ask.md': '# Ask\n\nDo it. [[scenario:ask]]\n' }, { realClaude: true });
    model = await startModel(sb.base);
    // The sandbox binds the CLI's config dir only when it exists: sessions written elsewhere would be lost.
    mkdirSync(join(sb.base, 'claude'), { recursive: true });
    Object.assign(sb.env, { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CONFIG_DIR: join(sb.base, 'claude'), CLAUDE_CODE_MAX_RETRIES: '0' });
    appendFileSync(join(sb.base, 'config', 'orch', 'config.toml'), `\n[notify.webhook]\nurl = "${hook.url}/hook"\nevents = ["question.waiting"]\n`);
  });
  afterAll(async () => {
    sb?.cleanup();
    model?.close();
    await hook?.close();
  });

  it('the question reaches the webhook; .orch/answers/<id>.md resumes the same session and the work merges', async () => {
    const started = await sb.orchAsync('start', 'a/E01');
    expect(started.status, started.stdout + started.stderr).toBe(0);
    const [req] = await hook.waitFor(1, 90_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${(await sb.orchAsync('logs', 'a/E01')).stdout.slice(-3000)}`);
    });
    const body = WebhookPayload.parse(JSON.parse(req?.body ?? ''));
    expect(body).toMatchObject({ kind: 'question.waiting', taskId: 'a/E01', title: 'a/E01 asks: Which currency should prices use?' });
    const id = (body.event?.data as { signal: { id: string } }).signal.id;
    expect(body.text).toContain(`or write .orch/answers/${id}.md`);
    type Shown = { task: { status: string }; runs: Array<{ state: string; sessionId: string | null; attempt: number }> };
    const show = async (): Promise<Shown> => {
      const r = await sb.orchAsync('show', 'a/E01', '--json');
      try {
        return JSON.parse(r.stdout) as Shown;
      } catch {
        throw new Error(`orch show printed no JSON (exit ${r.status}): ${r.stdout}${r.stderr}`);
      }
    };
    const waiting = await until(async () => ((await show()).runs[0]?.state === 'waiting' ? (await show()).runs[0] : undefined), 'the run to wait for its answer', 60_000);
    mkdirSync(join(sb.repo, '.orch', 'answers'), { recursive: true });
    writeFileSync(join(sb.repo, '.orch', 'answers', `${id}.md`), 'EUR [[scenario:answered]]\n');
    await until(async () => (await show()).task.status === 'complete', 'the answered run to merge', 60_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${JSON.stringify(await show())}\n${(await sb.orchAsync('logs', 'a/E01')).stdout.slice(-2000)}`);
    });
    const done = (await show()).runs[0];
    expect(done?.sessionId).toBe(waiting.sessionId);
    expect(done?.attempt).toBe(2);
    expect(sb.git('show', 'main:currency.txt')).toBe('EUR\n');
    expect(JSON.parse((await sb.orchAsync('questions', '--json')).stdout)).toEqual([]);
  }, 150_000);
});
