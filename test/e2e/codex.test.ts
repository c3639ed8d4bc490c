import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { afterToolCall, startResponsesServer, type ResponsesServer } from '../../src/agents/codex/testing/responses-server.js';
import { sandbox, type Sandbox } from '../harness.js';

describe('orch with the real Codex CLI against a scripted Responses API server', () => {
  let sb: Sandbox | undefined;
  let server: ResponsesServer | undefined;
  afterAll(async () => {
    sb?.cleanup();
    await server?.close();
  });

  it('takes a task from ready to merged, recording the thread id and tokens', async () => {
    server = await startResponsesServer((body) =>
      afterToolCall(body) ? { kind: 'text', text: 'Done: wrote codex.txt' } : { kind: 'command', cmd: "printf 'hello from codex\\n' > codex.txt" },
    );
    const provider = `model_providers.fake={name="Fake",base_url="${server.url}",wire_api="responses",env_key="FAKE_API_KEY"}`;
    const toml = [
      '[agent]',
      'backend = "codex"',
      'model = "gpt-5.5"',
      `args = ${JSON.stringify(['-c', 'model_provider=fake', '-c', provider, '-c', 'model_providers.fake.request_max_retries=0', '-c', 'model_providers.fake.stream_max_retries=0'])}`,
      'pass_env = ["FAKE_API_KEY", "CODEX_HOME"]',
      '',
    ].join('\n');
    sb = sandbox(
      { '.orch/config.toml': toml, 'docs/plans/core-module/epic-01-hello.md': '# Hello\n\nWrite codex.txt saying hello.\n' },
      { realClaude: true },
    );
    Object.assign(sb.env, { FAKE_API_KEY: 'sk-test', CODEX_HOME: join(sb.base, 'codex-home') });
    mkdirSync(join(sb.base, 'codex-home'), { recursive: true });
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.git('show', 'main:codex.txt')).toBe('hello from codex\n');
    const shown = JSON.parse((await sb.orchAsync('show', 'core/E01', '--json')).stdout) as { runs: Array<{ backend: string; sessionId: string; usage: { inputTokens: number } }> };
    expect(shown.runs[0]?.backend).toBe('codex');
    expect(shown.runs[0]?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(shown.runs[0]?.usage.inputTokens).toBeGreaterThan(0);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });
});
