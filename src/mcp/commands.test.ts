import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { COMMAND_OUTPUT_CHARS, runProjectCommand } from './commands.js';

const NODE = process.execPath;
const env = { PATH: process.env.PATH ?? '' };

describe('runProjectCommand', () => {
  it('keeps only the last 20,000 characters of the output', async () => {
    const script = 'for (let i = 0; i < 2000; i++) console.log("line " + String(i).padStart(4, "0") + " " + "x".repeat(40))';
    const run = await runProjectCommand({ kind: 'test', argv: [NODE, '-e', script], cwd: tmpdir(), env });
    expect(run.ok).toBe(true);
    expect(run.text).toContain('[output truncated: showing the last');
    expect(run.text).toContain('line 1999');
    expect(run.text).not.toContain('line 0000');
    const output = run.text.split('\n').slice(3).join('\n');
    expect(output.length).toBeLessThanOrEqual(COMMAND_OUTPUT_CHARS);
    expect(output.length).toBeGreaterThan(COMMAND_OUTPUT_CHARS - 100);
  });

  it('stops a command at the timeout', async () => {
    const run = await runProjectCommand({
      kind: 'build', argv: [NODE, '-e', 'console.log("started"); setTimeout(() => {}, 60000)'], cwd: tmpdir(), env, timeoutMs: 300,
    });
    expect(run.ok).toBe(false);
    expect(run.text).toMatch(/^Command timed out after 0 s: /);
    expect(run.text).toContain('started');
  });

  it('an empty argv names the config key to set', async () => {
    const run = await runProjectCommand({ kind: 'lint', argv: [], cwd: tmpdir(), env });
    expect(run).toMatchObject({ ok: false });
    expect(run.text).toContain('set commands.lint in the Orch config');
  });
});
