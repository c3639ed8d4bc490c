import { join } from 'node:path';
import { expect } from 'vitest';
import type { Sandbox } from '../harness.js';

/** The fields of `orch show --json` these tests read. */
export interface RunJson {
  id: string;
  state: string;
  backend: string;
  sessionId: string | null;
  batchId: string | null;
  attempt: number;
  waitingReason: string | null;
  error: string | null;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
}

/** `orch show TASK --json` without blocking this process (a simulator may be running in it). */
export const showTask = async (sb: Sandbox, task: string): Promise<{ task: { status: string }; runs: RunJson[] }> => {
  const r = await sb.orchAsync('show', task, '--json');
  try {
    return JSON.parse(r.stdout) as { task: { status: string }; runs: RunJson[] };
  } catch {
    throw new Error(`orch show ${task} --json printed no JSON (exit ${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
  }
};

/** One entry of `orch pr review --json`: a flagged change and the reasons. */
export interface ReviewQueueEntry {
  taskId: string;
  decision: { category: string; flagged: boolean; reasons: Array<{ rule: string; file: string; line?: number; detail: string }> };
}

/**
 * Starts `task`, whose agent tries `git push origin HEAD` and then writes `file`: the push never reaches the
 * sandbox's `origin.git` (its refs are unchanged), the log shows the attempt and `refusal`, and the work merges.
 */
export async function expectPushRefusedAndMerged(sb: Sandbox, task: string, refusal: RegExp, file: string, content: string): Promise<void> {
  const origin = join(sb.base, 'origin.git');
  const before = sb.git('--git-dir', origin, 'for-each-ref');
  const r = await sb.orchAsync('start', task, '--wait');
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(sb.git('--git-dir', origin, 'for-each-ref')).toBe(before);
  const logs = (await sb.orchAsync('logs', task)).stdout;
  expect(logs).toMatch(/git push origin HEAD/);
  expect(logs).toMatch(refusal);
  expect(sb.git('show', `main:${file}`)).toBe(content);
}
