import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOpenCodeArgs, createOpenCodeBackend, openCodePrompt } from './backend.js';

const dir = mkdtempSync(join(tmpdir(), 'orch-fake-opencode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fake = (name: string, body: string): string => {
  const file = join(dir, name);
  writeFileSync(file, `#!${process.execPath}\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};

const printing = (lines: unknown[], exitCode: number): string =>
  `for (const l of ${JSON.stringify(lines.map((l) => JSON.stringify(l)))}) console.log(l); process.exitCode = ${exitCode};`;

const S = 'ses_1';
const step = { type: 'step_start', sessionID: S, part: { type: 'step-start' } };
const text = (t: string) => ({ type: 'text', sessionID: S, part: { type: 'text', text: t } });
const finish = (input: number, cost: number) => ({ type: 'step_finish', sessionID: S, part: { type: 'step-finish', reason: 'stop', cost, tokens: { input, output: 1, cache: { read: 2, write: 0 } } } });

const start = (command: string) =>
  createOpenCodeBackend({ command }).start({ runId: 'r', cwd: dir, prompt: 'p', env: { PATH: process.env.PATH ?? '' } }).result;

describe('buildOpenCodeArgs', () => {
  it('run --format json, model, --auto, --dir, extra args; no prompt on the command line', () => {
    expect(buildOpenCodeArgs({ extraArgs: ['--agent', 'build'] }, { model: 'fake/fake-model', cwd: '/w' })).toEqual([
      'run', '--format=json', '--model=fake/fake-model', '--auto', '--dir=/w', '--agent', 'build',
    ]);
  });

  it('resume adds --session; the prompt for stdin keeps its lines and has the system prompt first', () => {
    expect(buildOpenCodeArgs({}, { resumeSessionId: 'ses_9', cwd: '/w' })).toEqual(['run', '--format=json', '--auto', '--session=ses_9', '--dir=/w']);
    expect(buildOpenCodeArgs({}, { model: '--version', cwd: '/w' })).toEqual(['run', '--format=json', '--model=--version', '--auto', '--dir=/w']);
    expect(openCodePrompt({ prompt: 'Epic 01\n--dir 2\n', systemPrompt: 'be brief' })).toBe('be brief\n\nEpic 01\n--dir 2\n');
  });

  it('the prompt reaches the child on stdin, which is then closed', async () => {
    const echo = fake('stdin', "let s = ''; process.stdin.on('data', (c) => (s += c)).on('end', () => console.log(JSON.stringify({ type: 'text', sessionID: 'ses_1', part: { type: 'text', text: s } })));");
    const o = await createOpenCodeBackend({ command: echo }).start({ runId: 'r', cwd: dir, prompt: 'E 01\n2 lines', env: { PATH: process.env.PATH ?? '' } }).result;
    expect(o).toMatchObject({ ok: true, resultText: 'E 01\n2 lines' });
  });
});

describe('opencode backend outcomes (fake executable)', () => {
  it('clean exit without a terminal event is ok; usage and cost summed over steps', async () => {
    const o = await start(fake('ok', printing([step, text('Working.'), finish(100, 0.25), step, text('Done.'), finish(50, 0.5)], 0)));
    expect(o).toMatchObject({ ok: true, sessionId: S, resultText: 'Working.\nDone.', costUsd: 0.75, exitCode: 0 });
    expect(o.usage).toEqual({ inputTokens: 150, outputTokens: 2, cacheReadTokens: 4, cacheWriteTokens: 0 });
  });

  it('an error event with exit 1 is a failure naming the error', async () => {
    const o = await start(fake('err', printing([step, { type: 'error', sessionID: S, error: { name: 'APIError', data: { message: 'scripted failure' } } }], 1)));
    expect(o.ok).toBe(false);
    expect(o.error).toBe('OpenCode reported an error (error, exit code 1): APIError: scripted failure');
  });

  it('exit 1 with nothing on stdout (unknown session): the stderr tail', async () => {
    const o = await start(fake('nosession', "console.error('Error: Session not found'); process.exitCode = 1;"));
    expect(o.error).toMatch(/^Command failed with exit code 1 without a result event: /);
    expect(o.error).toContain('Session not found');
  });

  it('done with rejected permissions is not ok', async () => {
    const o = await start(fake('rejected', printing([step, { type: 'done', sessionID: S, reason: 'idle', rejected: ['bash'] }], 0)));
    expect(o.ok).toBe(false);
    expect(o.error).toContain('permission rejected: bash');
  });

  it('sets OPENCODE_DISABLE_AUTOUPDATE; stdin holds the prompt and ends', async () => {
    const o = await start(fake('env', `
      const fs = require('node:fs');
      let stdin = 'open';
      try { stdin = fs.readFileSync(0, 'utf8') === 'p' ? 'prompt' : 'other'; } catch { stdin = 'closed'; }
      console.log(JSON.stringify({ type: 'text', sessionID: 's', part: { text: process.env.OPENCODE_DISABLE_AUTOUPDATE + ' ' + stdin } }));`));
    expect(o).toMatchObject({ ok: true, resultText: '1 prompt' });
  });

  it('passes the config as OPENCODE_CONFIG_CONTENT and, when asked, OPENCODE_DISABLE_MODELS_FETCH', async () => {
    const command = fake('config', `console.log(JSON.stringify({ type: 'text', sessionID: 's', part: { text: process.env.OPENCODE_CONFIG_CONTENT + ' ' + process.env.OPENCODE_DISABLE_MODELS_FETCH } }));`);
    const run = (opts: Parameters<typeof createOpenCodeBackend>[0]) =>
      createOpenCodeBackend({ command, ...opts }).start({ runId: 'r', cwd: dir, prompt: 'p', env: { PATH: process.env.PATH ?? '' } }).result;
    const deny = { 'git push': 'deny', 'git push *': 'deny' };
    expect((await run({ config: { provider: {} }, disableModelsFetch: true, disallowedTools: ['Bash(git push:*)', 'Edit'] })).resultText).toBe(
      `${JSON.stringify({ provider: {}, permission: { bash: deny } })} 1`,
    );
    const text = (await run({})).resultText;
    const content = text.slice(0, text.lastIndexOf(' '));
    expect(text.endsWith(' undefined')).toBe(true);
    // Without a list of its own the backend denies Orch's defaults.
    expect(JSON.parse(content)).toMatchObject({ permission: { bash: { 'git push': 'deny', 'git rebase *': 'deny', 'git reset --hard': 'deny' } } });
  });
});
