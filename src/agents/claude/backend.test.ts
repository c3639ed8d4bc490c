import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../index.js';
import { buildClaudeArgs, createClaudeBackend, DEFAULT_ALLOWED_TOOLS, DEFAULT_DISALLOWED_TOOLS } from './backend.js';

const dir = mkdtempSync(join(tmpdir(), 'orch-fake-claude-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake `claude` executable: prints the given lines, then exits with the code. */
const fakeClaude = (name: string, body: string): string => {
  const file = join(dir, name);
  writeFileSync(file, `#!${process.execPath}\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};

const printing = (lines: string[], exitCode: number): string =>
  `for (const l of ${JSON.stringify(lines)}) console.log(l); process.exitCode = ${exitCode};`;

const INIT = JSON.stringify({ type: 'system', subtype: 'init', session_id: 'sess-1', claude_code_version: '9.9.9' });
const RESULT_OK = JSON.stringify({ type: 'result', subtype: 'success', is_error: false, result: 'fine', total_cost_usd: 0.5, usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 3, cache_creation_input_tokens: 4 } });

const start = (command: string) =>
  createClaudeBackend({ command }).start({ runId: 'r', cwd: dir, prompt: 'p', env: { PATH: process.env.PATH ?? '' } }).result;

describe('buildClaudeArgs', () => {
  it('leaves the prompt to stdin and passes every value as --flag=value', () => {
    const args = buildClaudeArgs({ maxTurns: 5, extraArgs: ['--bare'] }, { resumeSessionId: 's1', model: 'm', systemPrompt: 'be brief' });
    expect(args).toEqual([
      '-p', '--output-format=stream-json', '--verbose', '--permission-mode=acceptEdits',
      '--allowedTools', ...DEFAULT_ALLOWED_TOOLS,
      '--disallowedTools', ...DEFAULT_DISALLOWED_TOOLS,
      '--resume=s1', '--model=m', '--append-system-prompt=be brief', '--max-turns=5', '--bare',
    ]);
  });

  it('keeps a model value starting with a dash from becoming an option', () => {
    expect(buildClaudeArgs({}, { model: '--version' })).toContain('--model=--version');
  });

  it('omits empty tool lists and a zero turn limit', () => {
    const args = buildClaudeArgs({ allowedTools: [], baseDisallowedTools: [], maxTurns: 0 }, {});
    expect(args).not.toContain('--allowedTools');
    expect(args).not.toContain('--disallowedTools');
    expect(args).not.toContain('--max-turns');
  });

  it('adds configured denials to the built-in deny-list', () => {
    const args = buildClaudeArgs({ disallowedTools: ['WebFetch', 'Bash(git push:*)'] }, {});
    const denied = args.slice(args.indexOf('--disallowedTools') + 1);
    expect(denied).toEqual([...DEFAULT_DISALLOWED_TOOLS, 'WebFetch']);
  });
});

describe('claude backend outcomes (fake executable)', () => {
  it("waits for Orch's MCP server before its first request when it has one (MCP_CONNECTION_NONBLOCKING=false)", async () => {
    const echo = fakeClaude('echo-env', `console.log(${JSON.stringify(INIT)}); console.log(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, result: String(process.env.MCP_CONNECTION_NONBLOCKING), usage: {} }));`);
    const mcp = { command: 'orch-mcp', args: [], env: {}, tools: ['orch_done'], configDir: dir };
    const withMcp = await createClaudeBackend({ command: echo }).start({ runId: 'r', cwd: dir, prompt: 'p', env: { PATH: process.env.PATH ?? '' }, mcp }).result;
    expect(withMcp.resultText).toBe('false');
    expect((await start(echo)).resultText).toBe('undefined');
  });

  it('ok with session, usage and cost', async () => {
    const o = await start(fakeClaude('ok', printing([INIT, RESULT_OK], 0)));
    expect(o).toMatchObject({ ok: true, sessionId: 'sess-1', costUsd: 0.5, resultText: 'fine', exitCode: 0 });
    expect(o.usage).toEqual({ inputTokens: 10, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4 });
  });

  it('no result event: names the exit code and the last 20 lines', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const o = await start(fakeClaude('crash', `${printing([INIT, ...lines], 7)} console.error('boom on stderr');`));
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/^Command failed with exit code 7 without a result event: /);
    expect(o.error).toContain('line 29');
    expect(o.error).toContain('boom on stderr');
    expect(o.error).not.toContain('line 10\n');
    expect(o.sessionId).toBe('sess-1');
  });

  it('a successful result with a non-zero exit is not ok', async () => {
    const o = await start(fakeClaude('late-fail', printing([INIT, RESULT_OK], 2)));
    expect(o.ok).toBe(false);
    expect(o.error).toContain('exit code 2 after a successful result');
  });

  it('a missing binary explains how to install', async () => {
    const o = await start(join(dir, 'absent'));
    expect(o.ok).toBe(false);
    expect(o.error).toContain('npm i -g @anthropic-ai/claude-code');
    expect(o.error).toContain('agent.command');
  });

  it('check() resolves on PATH and reads the version', async () => {
    fakeClaude('claude-fake', "console.log('1.2.3 (Claude Code)')");
    expect(await createClaudeBackend({ command: 'claude-fake', env: { PATH: `/nonexistent:${dir}` } }).check()).toEqual({
      ok: true, command: join(dir, 'claude-fake'), version: '1.2.3',
    });
    const broken = fakeClaude('claude-broken', "console.error('cannot start'); process.exit(4)");
    const r = await createClaudeBackend({ command: broken }).check();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('cannot start');
  });
});

describe('createBackend', () => {
  it('creates claude and rejects unknown ids naming the supported ones', () => {
    expect(createBackend('claude').id).toBe('claude');
    expect(() => createBackend('codexx')).toThrow('Unknown agent backend "codexx": supported backends are claude');
  });
});
