import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../types.js';
import { buildGooseArgs, createGooseBackend } from './backend.js';

const dir = mkdtempSync(join(tmpdir(), 'orch-fake-goose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fake = (name: string, body: string): string => {
  const file = join(dir, name);
  writeFileSync(file, `#!${process.execPath}\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};

const printing = (lines: unknown[], exitCode: number): string =>
  `for (const l of ${JSON.stringify(lines.map((l) => JSON.stringify(l)))}) console.log(l); process.exitCode = ${exitCode};`;

const say = (text: string) => ({ type: 'message', message: { role: 'assistant', content: [{ type: 'text', text }] } });
const COMPLETE = { type: 'complete', total_tokens: 12, input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 1, cost_usd: 0.02 };

describe('buildGooseArgs', () => {
  it('new run: named session orch-<runId>, instructions from stdin, stream-json, model, system prompt, extra args', () => {
    expect(buildGooseArgs({ extraArgs: ['--with-builtin', 'developer'] }, { runId: 'r1', prompt: 'do it', model: 'qwen3', systemPrompt: 'be brief' })).toEqual([
      'run', '--name=orch-r1', '--instructions=-', '--output-format=stream-json', '--model=qwen3', '--system=be brief', '--with-builtin', 'developer',
    ]);
  });

  it('resume: --resume with the session name as id; plan text never reaches argv, a flag-like model stays a value', () => {
    const args = buildGooseArgs({}, { runId: 'r2', prompt: '-more --with-extension evil', resumeSessionId: 'orch-r1', model: '--version' });
    expect(args).toEqual(['run', '--resume', '--name=orch-r1', '--instructions=-', '--output-format=stream-json', '--model=--version']);
  });
});

describe('goose backend outcomes (fake executable)', () => {
  it('ok: the chosen name is the session id, GOOSE_MODE=auto wins, usage and cost from complete', async () => {
    const events: AgentEvent[] = [];
    const command = fake('ok', `if (process.env.GOOSE_MODE !== 'auto') process.exit(9); ${printing([say('Done.'), COMPLETE], 0)}`);
    const o = await createGooseBackend({ command }).start({
      runId: 'r7', cwd: dir, prompt: 'p', env: { PATH: process.env.PATH ?? '', GOOSE_MODE: 'approve' }, onEvent: (e) => events.push(e),
    }).result;
    expect(o).toMatchObject({ ok: true, sessionId: 'orch-r7', resultText: 'Done.', costUsd: 0.02 });
    expect(o.usage).toEqual({ inputTokens: 10, outputTokens: 2, cacheReadTokens: 1, cacheWriteTokens: 0 });
    expect(events[0]).toEqual({ type: 'session', sessionId: 'orch-r7' });
  });

  it('error event: not ok with the message', async () => {
    const command = fake('err', printing([{ type: 'error', error: 'Tool approval required in non-interactive mode' }], 1));
    const o = await createGooseBackend({ command }).start({ runId: 'r8', cwd: dir, prompt: 'p', env: { PATH: process.env.PATH ?? '' }, resumeSessionId: 'orch-r1' }).result;
    expect(o.ok).toBe(false);
    expect(o.sessionId).toBe('orch-r1');
    expect(o.error).toBe('Goose reported an error (error, exit code 1): Tool approval required in non-interactive mode');
  });

  it('a missing binary explains how to install', async () => {
    const c = await createGooseBackend({ command: 'orch-no-goose', env: { PATH: dir } }).check();
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toContain('Install Goose');
  });
});
