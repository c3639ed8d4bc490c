import { describe, expect, it } from 'vitest';
import { claudeMcpConfig, ORCH_MCP_TOOLS } from './config.js';
import { mcpServerEnv, readMcpServerEnv } from './env.js';

describe('claudeMcpConfig', () => {
  it('describes one stdio server named orch', () => {
    const json = claudeMcpConfig({ node: '/usr/bin/node', entry: '/opt/orch/dist/src/mcp/main.js', env: { ORCH_RUN_ID: 'r1' } });
    expect(JSON.parse(json)).toEqual({
      mcpServers: { orch: {
        type: 'stdio', command: '/usr/bin/node', args: ['/opt/orch/dist/src/mcp/main.js'], env: { ORCH_RUN_ID: 'r1' },
        timeout: 900_000, alwaysLoad: true,
      } },
    });
  });

  it('names every tool for the allow-list', () => {
    expect(ORCH_MCP_TOOLS).toEqual([
      'mcp__orch__orch_done', 'mcp__orch__orch_stuck', 'mcp__orch__orch_ask',
      'mcp__orch__run_build', 'mcp__orch__run_test', 'mcp__orch__run_lint',
      'mcp__orch__worker_status', 'mcp__orch__job_logs',
    ]);
  });
});

describe('readMcpServerEnv', () => {
  it('round-trips mcpServerEnv', () => {
    const env = mcpServerEnv({ daemonUrl: 'http://127.0.0.1:1', token: 't', runId: 'r', commands: { test: ['npm', 'test'] } });
    expect(readMcpServerEnv(env, '/w')).toEqual({
      ok: true, value: { daemonUrl: 'http://127.0.0.1:1', token: 't', runId: 'r', cwd: '/w', commands: { test: ['npm', 'test'] } },
    });
    expect(readMcpServerEnv({ ...env, ORCH_CWD: '/x' }, '/w')).toMatchObject({ ok: true, value: { cwd: '/x' } });
  });

  it('names the missing variables', () => {
    expect(readMcpServerEnv({ ORCH_DAEMON_URL: 'http://x' }, '/w')).toEqual({
      ok: false,
      error: 'Missing environment variables ORCH_DAEMON_TOKEN, ORCH_RUN_ID: the Orch daemon sets them when it starts an agent.',
    });
  });

  it('rejects bad ORCH_COMMANDS with the value expected', () => {
    const base = { ORCH_DAEMON_URL: 'http://x', ORCH_DAEMON_TOKEN: 't', ORCH_RUN_ID: 'r' };
    const notJson = readMcpServerEnv({ ...base, ORCH_COMMANDS: 'npm test' }, '/w');
    expect(notJson.ok).toBe(false);
    expect(!notJson.ok && notJson.error).toMatch(/^ORCH_COMMANDS is not JSON .*expected \{"build"\?: string\[\]/);
    const shell = readMcpServerEnv({ ...base, ORCH_COMMANDS: '{"test":"npm test"}' }, '/w');
    expect(!shell.ok && shell.error).toMatch(/^ORCH_COMMANDS is invalid \(test: /);
    expect(readMcpServerEnv({ ...base, ORCH_ANSWER_WAIT_MS: '5000' }, '/w')).toMatchObject({ ok: true, value: { answerWaitMs: 5000 } });
    expect(readMcpServerEnv({ ...base, ORCH_ANSWER_WAIT_MS: '2m' }, '/w')).toEqual({
      ok: false, error: 'ORCH_ANSWER_WAIT_MS must be a whole number of milliseconds, received "2m"',
    });
  });
});
