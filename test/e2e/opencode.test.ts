import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIChatServer } from '../../src/simulator/openai-chat.js';
import type { ModelServer, Scenario } from '../../src/simulator/types.js';
import { epic, repoRootDir, sandbox, until, type Sandbox } from '../harness.js';
import { showTask } from './runs.js';

// Installed by `npm run agents:install` (devDependency opencode-ai); a machine without it skips this file.
const OPENCODE = join(repoRootDir, 'node_modules', '.bin', 'opencode');

/** OpenCode names MCP tools `<server>_<tool>`; scenarios otherwise use Claude's tool names (mapped by the simulator). */
const SCENARIOS: Record<string, Scenario> = {
  stuck: [{ text: 'Blocked.', tools: [{ name: 'orch_orch_stuck', input: { reason: 'the API key for the payment sandbox is missing' } }] }, { text: 'Stopping.' }],
  guided: [{ text: 'Following the guidance.', tools: [{ name: 'Write', input: { file_path: '{{cwd}}/payments.txt', content: 'mocked\n' } }] }, { text: 'Done: wrote payments.txt' }],
};

// The simulator runs in this process: every orch call below is async so it keeps answering.
describe.skipIf(!existsSync(OPENCODE))('orch with the real OpenCode binary against the simulated Chat Completions API', { timeout: 120_000 }, () => {
  let sb: Sandbox;
  let model: ModelServer;
  beforeAll(async () => {
    model = await startOpenAIChatServer({ scenarios: SCENARIOS });
    const provider = { npm: '@ai-sdk/openai-compatible', name: 'Simulator', options: { baseURL: `${model.url}/v1`, apiKey: 'sk-test' }, models: { 'sim-model': { name: 'Sim' } } };
    sb = sandbox(
      {
        '.orch/config.toml': '[agent]\nbackend = "opencode"\nmodel = "sim/sim-model"\npass_env = ["OPENCODE_CONFIG_CONTENT", "OPENCODE_DISABLE_MODELS_FETCH"]\n',
        'docs/plans/README.md': '# Plan\n\n| Task | Status |\n|---|---|\n| core/E01 | 🔴 |\n| pay/E01 | 🔴 |\n',
        'docs/plans/core-module/epic-01-greet.md': epic('Greeting', 'A greeting function.', { 'src/greet.js': 'export const greet = (n) => `hello ${n}`;' }),
        'docs/plans/pay-module/epic-01-pay.md': '# Payments\n\nDo it. [[scenario:stuck]]\n',
      },
      // The provider reaches OpenCode the way a user would give it one: OPENCODE_CONFIG_CONTENT, which Orch
      // merges its MCP server into.
      { realClaude: true, env: { OPENCODE_CONFIG_CONTENT: JSON.stringify({ provider: { sim: provider } }), OPENCODE_DISABLE_MODELS_FETCH: '1' } },
    );
  });
  afterAll(async () => {
    sb?.cleanup();
    await model?.close();
  });

  it('takes a plan task from ready to merged, recording the session id and tokens', async () => {
    const r = await sb.orchAsync('start', 'core/E01', '--wait');
    expect(r.status, r.stdout + r.stderr + (await sb.orchAsync('logs', 'core/E01')).stdout).toBe(0);
    expect(sb.git('show', 'main:src/greet.js')).toBe('export const greet = (n) => `hello ${n}`;\n');
    expect(sb.git('log', '--format=%s', 'main')).toContain('feat(core): implement E01 - Greeting');
    expect(sb.git('show', 'main:docs/plans/README.md')).toContain('| core/E01 | 🟢 |');
    const { task, runs } = await showTask(sb, 'core/E01');
    expect(task.status).toBe('complete');
    expect(runs[0]).toMatchObject({ backend: 'opencode', state: 'done' });
    expect(runs[0]?.sessionId).toMatch(/^ses_\w+$/);
    expect(runs[0]?.usage.inputTokens).toBeGreaterThan(0);
    expect(runs[0]?.usage.outputTokens).toBeGreaterThan(0);
    const main = model.requests.filter((q) => q.kind === 'main');
    expect(main[0]?.path).toBe('/v1/chat/completions');
    expect(main[0]?.headers['x-session-id']).toBe(runs[0]?.sessionId);
    // Orch's MCP server was offered to the model.
    expect(JSON.stringify(main[0]?.body)).toContain('orch_orch_done');
  });

  it('orch_stuck through MCP parks the run; guidance resumes the same session to merged', async () => {
    expect((await sb.orchAsync('start', 'pay/E01')).status).toBe(0);
    const stuck = await until(async () => {
      const r = (await showTask(sb, 'pay/E01')).runs[0];
      return r?.state === 'waiting' ? r : undefined;
    }, 'the opencode run to be stuck', 90_000);
    expect(stuck.waitingReason).toMatch(/^stuck: the API key for the payment sandbox is missing/);
    const r = await sb.orchAsync('resume', 'pay/E01', '--guidance', 'Mock the payment sandbox. [[scenario:guided]]');
    expect(r.status, r.stderr).toBe(0);
    await until(async () => (await showTask(sb, 'pay/E01')).task.status === 'complete', 'the guided run to merge', 90_000);
    expect((await showTask(sb, 'pay/E01')).runs[0]!.sessionId).toBe(stuck.sessionId);
    expect(sb.git('show', 'main:payments.txt')).toBe('mocked\n');
  });
});
