import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCodexArgs, codexPrompt, createCodexBackend } from './backend.js';

const dir = mkdtempSync(join(tmpdir(), 'orch-fake-codex-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake `codex` executable: prints the given lines, then exits with the code. */
const fakeCodex = (name: string, body: string): string => {
  const file = join(dir, name);
  writeFileSync(file, `#!${process.execPath}\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};

const printing = (lines: string[], exitCode: number): string =>
  `for (const l of ${JSON.stringify(lines)}) console.log(l); process.exitCode = ${exitCode};`;

const THREAD = JSON.stringify({ type: 'thread.started', thread_id: 't-1' });
const TOOL = JSON.stringify({ type: 'item.completed', item: { id: 'i1', type: 'command_execution', command: 'ls', aggregated_output: 'a\n', exit_code: 0, status: 'completed' } });
const MSG = (text: string): string => JSON.stringify({ type: 'item.completed', item: { id: 'i2', type: 'agent_message', text } });
const DONE = JSON.stringify({ type: 'turn.completed', usage: { input_tokens: 10, cached_input_tokens: 3, output_tokens: 2 } });
const FAILED = JSON.stringify({ type: 'turn.failed', error: { message: 'high demand' } });

const start = (command: string) =>
  createCodexBackend({ command }).start({ runId: 'r', cwd: dir, prompt: 'p', env: { PATH: process.env.PATH ?? '' } }).result;

describe('buildCodexArgs', () => {
  it('new run: exec --json with cwd, model, sandbox as --flag=value, extra args, then `-` (stdin) after --', () => {
    expect(buildCodexArgs({ extraArgs: ['-c', 'model_provider=fake'] }, { prompt: 'do it', model: 'gpt-5.5', cwd: '/w' })).toEqual([
      'exec', '--json', '--skip-git-repo-check', '--cd=/w', '--model=gpt-5.5', '--sandbox=workspace-write', '-c', 'model_provider=fake', '--', '-',
    ]);
  });

  it('resume: no -s or -C (exec resume refuses them); the sandbox goes through --config', () => {
    expect(buildCodexArgs({ sandbox: 'read-only' }, { prompt: 'more', resumeSessionId: 't-1', cwd: '/w' })).toEqual([
      'exec', 'resume', '--json', '--skip-git-repo-check', '--config=sandbox_mode="read-only"', '--', 't-1', '-',
    ]);
  });

  it('plan text never reaches argv: a flag-like title, body or model stays data', () => {
    const hostile = { prompt: '--dangerously-bypass-approvals-and-sandbox\n-c sandbox_mode="danger-full-access"', systemPrompt: '--help', model: '--version', cwd: '/w' };
    for (const args of [buildCodexArgs({}, hostile), buildCodexArgs({}, { ...hostile, resumeSessionId: 't-1' })]) {
      expect(args.join('\n')).not.toContain('dangerously');
      expect(args).not.toContain('--help');
      expect(args).not.toContain('--version');
      expect(args).toContain('--model=--version');
      expect(args.at(-1)).toBe('-');
    }
    expect(codexPrompt(hostile)).toBe(`--help\n\n${hostile.prompt}`);
  });
});

describe('codex backend outcomes (fake executable)', () => {
  it('ok: thread id, last agent message, usage with cached tokens, no cost', async () => {
    const o = await start(fakeCodex('ok', printing([THREAD, MSG('working'), TOOL, MSG('all done'), DONE], 0)));
    expect(o).toMatchObject({ ok: true, sessionId: 't-1', resultText: 'all done', exitCode: 0 });
    expect(o.usage).toEqual({ inputTokens: 10, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 0 });
    expect(o.costUsd).toBeUndefined();
  });

  it('turn.failed: not ok, with the message', async () => {
    const o = await start(fakeCodex('failed', printing([THREAD, FAILED], 1)));
    expect(o.ok).toBe(false);
    expect(o.error).toBe('Codex reported an error (turn.failed, exit code 1): high demand');
  });

  it('turn.completed but a non-zero exit is not ok', async () => {
    const o = await start(fakeCodex('late-fail', printing([THREAD, DONE], 3)));
    expect(o.ok).toBe(false);
    expect(o.error).toContain('exit code 3 after a successful result');
  });

  it('no turn.completed: names the exit code and the stderr tail', async () => {
    const o = await start(fakeCodex('crash', `${printing([THREAD], 1)} console.error('Error: thread/resume failed: no rollout found');`));
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/^Command failed with exit code 1 without a result event: /);
    expect(o.error).toContain('no rollout found');
  });

  it('a missing binary explains how to install', async () => {
    const o = await start(join(dir, 'absent'));
    expect(o.ok).toBe(false);
    expect(o.error).toContain('npm i -g @openai/codex');
    const c = await createCodexBackend({ command: 'orch-no-codex', env: { PATH: dir } }).check();
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toContain('npm i -g @openai/codex');
  });

  it('check() reads the version', async () => {
    fakeCodex('codex-fake', "console.log('codex-cli 0.169.0')");
    expect(await createCodexBackend({ command: 'codex-fake', env: { PATH: dir } }).check()).toEqual({ ok: true, command: join(dir, 'codex-fake'), version: '0.169.0' });
  });
});

describe('createBackend', () => {
  it('creates every JSONL backend by id', async () => {
    const { createBackend, SUPPORTED_BACKENDS } = await import('../index.js');
    expect(SUPPORTED_BACKENDS).toEqual(['claude', 'codex', 'gemini', 'opencode', 'goose']);
    for (const id of ['codex', 'gemini', 'opencode', 'goose']) expect(createBackend(id).id).toBe(id);
  });
});
