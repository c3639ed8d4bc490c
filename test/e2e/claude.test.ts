import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { epic, repoRootDir, sandbox, type Sandbox } from '../harness.js';

/** The simulated model in its own process: the CLI calls below block this test's event loop. */
async function startModel(): Promise<{ url: string; close: () => void }> {
  const child: ChildProcess = spawn(process.execPath, [join(repoRootDir, 'dist/src/simulator/main.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`simulator exited with ${c}`)));
  });
  return { url: first.trim(), close: () => child.kill() };
}

describe('orch with the real Claude Code binary against the simulated model', () => {
  let model: { url: string; close: () => void };
  let sb: Sandbox;
  beforeAll(async () => {
    model = await startModel();
  });
  afterAll(async () => {
    sb?.cleanup();
    model.close();
  });

  it('runs two dependent epics across modules to merged, recording session, tokens and cost', () => {
    sb = sandbox(
      {
        'docs/plans/README.md': '# Plan\n\n| Task | Status |\n|---|---|\n| core/E01 | 🔴 |\n| app/E01 | 🔴 |\n',
        'docs/plans/core-module/epic-01-greet.md': epic('Greeting', 'A greeting function.', { 'src/greet.js': "export const greet = (n) => `hello ${n}`;" }),
        'docs/plans/app-module/epic-01-main.md': epic('Main', 'The program. Depends on core/E01.', { 'src/hello.js': "import { greet } from './greet.js';\nconsole.log(greet('orch'));" }),
      },
      {
        realClaude: true,
        env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CODE_MAX_RETRIES: '1' },
      },
    );
    sb.env.CLAUDE_CONFIG_DIR = join(sb.base, 'claude');
    const r = sb.orch('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(sb.repo, 'src/hello.js'), 'utf8')).toContain("greet('orch')");
    expect(sb.git('log', '--format=%s', 'main')).toContain('feat(app): implement E01 - Main');
    expect(readFileSync(join(sb.repo, 'docs/plans/README.md'), 'utf8').match(/🟢/g)).toHaveLength(2);
    const shown = sb.orchJson<{ runs: Array<{ sessionId: string | null; usage: { inputTokens: number; outputTokens: number; costUsd: number }; state: string }> }>(
      'show',
      'core/E01',
    );
    const run = shown.runs[0];
    expect(run?.state).toBe('done');
    expect(run?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run?.usage.inputTokens).toBeGreaterThan(0);
    expect(run?.usage.outputTokens).toBeGreaterThan(0);
    expect(run?.usage.costUsd).toBeGreaterThan(0);
  });
});
