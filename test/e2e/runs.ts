import type { Sandbox } from '../harness.js';

/** The fields of `orch show --json` these tests read. */
export interface RunJson {
  id: string;
  state: string;
  backend: string;
  sessionId: string | null;
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
