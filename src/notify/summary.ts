import { plural } from '../api/index.js';
import type { BatchReport } from '../api/index.js';

const list = (ids: string[], max = 10): string => (ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`);

/** A finished batch in a few lines: what merged, failed and waits for a person, and what it cost. */
export function batchSummary(batchId: string, r: BatchReport | undefined): { title: string; text: string } {
  const name = r?.batch.name ? `${r.batch.name} (${batchId})` : batchId;
  if (!r) return { title: `Batch ${name} finished`, text: `See: orch report --batch ${batchId}` };
  const cost = r.runs.reduce((sum, run) => sum + run.usage.costUsd, 0);
  const tokens = r.runs.reduce((sum, run) => sum + run.usage.inputTokens + run.usage.outputTokens + run.usage.cacheReadTokens + run.usage.cacheWriteTokens, 0);
  const title = `Batch ${name} finished: ${r.merged.length} merged, ${r.failed.length} failed, ${r.needsHuman.length} waiting for you`;
  const lines = [
    r.merged.length ? `Merged: ${list(r.merged)}` : '',
    r.failed.length ? `Failed: ${list(r.failed)}` : '',
    ...r.needsHuman.slice(0, 10).map((n) => `Waits for you: ${n.taskId}: ${n.reason.split(' — ')[0] ?? n.reason}`),
    `Cost: $${cost.toFixed(2)}, ${tokens.toLocaleString('en-US')} tokens over ${plural(r.runs.length, 'run')}`,
  ];
  return { title, text: lines.filter(Boolean).join('\n') };
}
