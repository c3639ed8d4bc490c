import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGeminiArgs, createGeminiBackend, geminiPrompt, writeGeminiSettings } from './backend.js';

const dir = mkdtempSync(join(tmpdir(), 'orch-fake-gemini-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fake = (name: string, body: string): string => {
  const file = join(dir, name);
  writeFileSync(file, `#!${process.execPath}\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};

const printing = (lines: unknown[], exitCode: number): string =>
  `for (const l of ${JSON.stringify(lines.map((l) => JSON.stringify(l)))}) console.log(l); process.exitCode = ${exitCode};`;

const INIT = { type: 'init', session_id: 's-1', model: 'gemini-2.5-flash' };
const delta = (content: string) => ({ type: 'message', role: 'assistant', content, delta: true });
const OK = { type: 'result', status: 'success', stats: { input_tokens: 20, output_tokens: 4, cached: 5 } };

const start = (command: string) =>
  createGeminiBackend({ command }).start({ runId: 'r', cwd: dir, prompt: 'p', env: { PATH: process.env.PATH ?? '' } }).result;

describe('buildGeminiArgs', () => {
  it('stream-json, skip-trust, yolo, then model, resume and extra args, values as --flag=value; no prompt in argv', () => {
    expect(buildGeminiArgs({ extraArgs: ['--include-directories', '../shared'] }, { prompt: 'do it', model: 'gemini-2.5-flash', resumeSessionId: 's-1' })).toEqual([
      '--output-format=stream-json', '--skip-trust', '--approval-mode=yolo', '--model=gemini-2.5-flash', '--resume=s-1', '--include-directories', '../shared',
    ]);
  });

  it('honours the approval mode; the prompt goes to stdin with the system prompt first', () => {
    expect(buildGeminiArgs({ approvalMode: 'auto_edit' }, { prompt: 'x', systemPrompt: 'be brief' })).toEqual(['--output-format=stream-json', '--skip-trust', '--approval-mode=auto_edit']);
    expect(geminiPrompt({ prompt: 'x', systemPrompt: 'be brief' })).toBe('be brief\n\nx');
  });

  it('plan text never reaches argv: a flag-like prompt or model stays data', () => {
    const args = buildGeminiArgs({}, { prompt: '--approval-mode yolo --help', model: '--version' });
    expect(args.join(' ')).not.toContain('--help');
    expect(args).not.toContain('--version');
    expect(args).toContain('--model=--version');
  });
});

describe('gemini backend outcomes (fake executable)', () => {
  it('ok: session, deltas joined since the last tool, usage, GEMINI_CLI_NO_RELAUNCH set', async () => {
    const tool = [{ type: 'tool_use', tool_id: 't', tool_name: 'x', parameters: {} }, { type: 'tool_result', tool_id: 't', status: 'success' }];
    const o = await start(fake('ok', `if (process.env.GEMINI_CLI_NO_RELAUNCH !== '1') process.exit(9); ${printing([INIT, delta('Before.'), ...tool, delta('All '), delta('done.'), OK], 0)}`));
    expect(o).toMatchObject({ ok: true, sessionId: 's-1', resultText: 'All done.', exitCode: 0 });
    expect(o.usage).toEqual({ inputTokens: 20, outputTokens: 4, cacheReadTokens: 5, cacheWriteTokens: 0 });
  });

  it('API error (exit 244): not ok, with the error message', async () => {
    const o = await start(fake('err', printing([INIT, { type: 'result', status: 'error', error: { type: 'unknown', message: '[API Error: 500]' } }], 244)));
    expect(o.ok).toBe(false);
    expect(o.error).toBe('Gemini CLI reported an error (unknown, exit code 244): [API Error: 500]');
  });

  it('auth failure before any event (exit 41): the stderr tail', async () => {
    const o = await start(fake('auth', "console.error('Invalid auth method selected.'); process.exitCode = 41;"));
    expect(o.error).toMatch(/^Command failed with exit code 41 without a result event: /);
    expect(o.error).toContain('Invalid auth method selected.');
  });

  it('a missing binary explains how to install', async () => {
    const c = await createGeminiBackend({ command: 'orch-no-gemini', env: { PATH: dir } }).check();
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toContain('npm i -g @google/gemini-cli');
  });

  it('home sets GEMINI_CLI_HOME; writeGeminiSettings writes the headless settings merged with extras', async () => {
    const command = fake('home', `console.log(JSON.stringify(${JSON.stringify(INIT)})); console.log(JSON.stringify({ type: 'message', role: 'assistant', content: String(process.env.GEMINI_CLI_HOME) })); console.log(JSON.stringify(${JSON.stringify(OK)}));`);
    const home = join(dir, 'gh');
    const o = await createGeminiBackend({ command, home }).start({ runId: 'r', cwd: dir, prompt: 'p', env: { PATH: process.env.PATH ?? '' } }).result;
    expect(o.resultText).toBe(home);
    const file = writeGeminiSettings(home, { general: { maxAttempts: 1 } });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false, maxAttempts: 1 },
    });
  });
});
