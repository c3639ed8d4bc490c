import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGeminiSettings } from '../../src/agents/gemini/backend.js';
import { startGeminiServer } from '../../src/simulator/gemini.js';
import type { ModelServer, Scenario } from '../../src/simulator/types.js';
import { epic, repoRootDir, sandbox, until, type Sandbox } from '../harness.js';
import { expectPushRefusedAndMerged, showTask } from './runs.js';

const GEMINI = join(repoRootDir, 'node_modules', '.bin', 'gemini');
const MODEL = 'gemini-2.5-flash';

/** Gemini CLI names MCP tools `mcp_<server>_<tool>`; scenarios otherwise use Claude's tool names (mapped by the simulator). */
const SCENARIOS: Record<string, Scenario> = {
  ask: [{ text: 'I need a decision.', tools: [{ name: 'mcp_orch_orch_ask', input: { question: 'Which currency should prices use?' } }] }, { text: 'Waiting for the answer.' }],
  answered: [{ text: 'Using the answer.', tools: [{ name: 'Write', input: { file_path: '{{cwd}}/currency.txt', content: 'EUR\n' } }] }, { text: 'Done: wrote currency.txt' }],
  push: [
    { text: 'Publishing.', tools: [{ name: 'Bash', input: { command: 'git push origin HEAD', description: 'push' } }] },
    { text: 'Writing.', tools: [{ name: 'Write', input: { file_path: '{{cwd}}/pushed.txt', content: 'x\n' } }] },
    { text: 'Done.' },
  ],
};

// The simulator runs in this process: every orch call below is async so it keeps answering.
describe.skipIf(!existsSync(GEMINI))('orch with the real Gemini CLI against the simulated Gemini API', { timeout: 90_000 }, () => {
  let sb: Sandbox;
  let model: ModelServer;
  beforeAll(async () => {
    model = await startGeminiServer({ scenarios: SCENARIOS });
    sb = sandbox(
      {
        '.orch/config.toml': `[agent]\nbackend = "gemini"\nmodel = "${MODEL}"\nanswer_wait_seconds = 1\npass_env = ["GEMINI_API_KEY"]\n`,
        'docs/plans/README.md': '# Plan\n\n| Task | Status |\n|---|---|\n| core/E01 | 🔴 |\n| ask/E01 | 🔴 |\n',
        'docs/plans/core-module/epic-01-greet.md': epic('Greeting', 'A greeting function.', { 'src/greet.js': 'export const greet = (n) => `hello ${n}`;' }),
        'docs/plans/ask-module/epic-01-ask.md': '# Ask\n\nDo it. [[scenario:ask]]\n',
        'docs/plans/push-module/epic-01-push.md': '# Push\n\nDo it. [[scenario:push]]\n',
      },
      { realClaude: true, env: { GOOGLE_GEMINI_BASE_URL: model.url, GEMINI_API_KEY: 'test-key' } },
    );
    // Headless settings in the user's home: the per-run home Orch builds for its MCP server starts from them.
    writeGeminiSettings(sb.env.HOME ?? '', { general: { maxAttempts: 1 } });
    sb.git('init', '-q', '--bare', join(sb.base, 'origin.git'));
    sb.git('remote', 'add', 'origin', join(sb.base, 'origin.git'));
    sb.git('push', '-q', 'origin', 'main');
  });
  afterAll(async () => {
    sb?.cleanup();
    await model?.close();
  });

  it('takes a plan task from ready to merged, recording the session id and tokens', async () => {
    const r = await sb.orchAsync('start', 'core/E01', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.git('show', 'main:src/greet.js')).toBe('export const greet = (n) => `hello ${n}`;\n');
    expect(sb.git('log', '--format=%s', 'main')).toContain('feat(core): implement E01 - Greeting');
    expect(sb.git('show', 'main:docs/plans/README.md')).toContain('| core/E01 | 🟢 |');
    const { task, runs } = await showTask(sb, 'core/E01');
    expect(task.status).toBe('complete');
    expect(runs[0]).toMatchObject({ backend: 'gemini', state: 'done' });
    expect(runs[0]?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(runs[0]?.usage.inputTokens).toBeGreaterThan(0);
    expect(runs[0]?.usage.outputTokens).toBeGreaterThan(0);
    const main = model.requests.filter((q) => q.kind === 'main');
    expect(main[0]?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
    // Orch's MCP server was offered to the model.
    expect(JSON.stringify(main[0]?.body)).toContain('mcp_orch_orch_done');
  });

  it('orch_ask through MCP waits for a human; the answer resumes the same session to merged', async () => {
    expect((await sb.orchAsync('start', 'ask/E01')).status).toBe(0);
    const asked = await until(async () => {
      const r = (await showTask(sb, 'ask/E01')).runs[0];
      return r?.state === 'waiting' ? r : undefined;
    }, 'the gemini run to wait for an answer', 60_000);
    expect(asked.waitingReason).toContain('Which currency should prices use?');
    const qs = JSON.parse((await sb.orchAsync('questions', '--json')).stdout) as Array<{ id: string }>;
    expect(qs).toHaveLength(1);
    const a = await sb.orchAsync('answer', qs[0]!.id, 'EUR', '[[scenario:answered]]');
    expect(a.status, a.stderr).toBe(0);
    await until(async () => (await showTask(sb, 'ask/E01')).task.status === 'complete', 'the answered run to merge', 60_000);
    const done = (await showTask(sb, 'ask/E01')).runs[0]!;
    expect(done.sessionId).toBe(asked.sessionId);
    expect(done.attempt).toBe(2);
    expect(sb.git('show', 'main:currency.txt')).toBe('EUR\n');
  });

  it('a git push is denied by the policy Orch gives Gemini CLI, never reaches the remote, and the work merges', async () => {
    await expectPushRefusedAndMerged(sb, 'push/E01', /denied by policy\. Orch denies this command/, 'pushed.txt', 'x\n');
  });
});
