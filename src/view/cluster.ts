import type { ClusterStatus, WorkerInfo } from '../api/index.js';

/** Whether a worker speaks the daemon's protocol (a daemon that does not say counts every worker). */
const compatibleWith = (c: ClusterStatus, w: WorkerInfo): boolean => c.protocol === undefined || w.protocol === c.protocol;

/** The worker pool in one line (the TUI header, the web dashboard); undefined when no cluster is configured. */
export function clusterSummary(c: ClusterStatus | undefined): string | undefined {
  if (!c) return undefined;
  if (!c.available) return `cluster unavailable: agents run here (${c.error ?? 'no reason given'})`;
  const ok = c.workers.filter((w) => compatibleWith(c, w));
  const busy = ok.reduce((n, w) => n + w.running.length, 0);
  const slots = ok.reduce((n, w) => n + w.jobs, 0);
  const odd = c.workers.length - ok.length;
  return `workers ${ok.length} (${busy}/${slots} busy)${odd ? `, ${odd} of another Orch version` : ''}`;
}

/** The same, short enough for the TUI header (which the terminal's width cuts): the reason is in `orch workers`. */
export function clusterBrief(c: ClusterStatus | undefined): string | undefined {
  if (!c) return undefined;
  if (!c.available) return 'cluster unavailable';
  const ok = c.workers.filter((w) => compatibleWith(c, w));
  const odd = c.workers.length - ok.length;
  return `workers ${ok.length} (${ok.reduce((n, w) => n + w.running.length, 0)}/${ok.reduce((n, w) => n + w.jobs, 0)})${odd ? ` +${odd} other version` : ''}`;
}

export interface WorkerRow {
  name: string;
  host: string;
  load: string;
  agents: string;
  labels: string;
  jobs: string;
  /** Why it takes none of this daemon's jobs, when it does not. */
  problem?: string;
}

/** One worker as a row of the web dashboard's table. */
export function workerRow(c: ClusterStatus, w: WorkerInfo): WorkerRow {
  return {
    name: w.name,
    host: w.host,
    load: `${w.running.length}/${w.jobs}`,
    agents: w.agents.map((a) => (a.version ? `${a.id} ${a.version}` : a.id)).join(', ') || '-',
    labels: w.labels.join(', ') || '-',
    jobs: w.running.map((r) => r.taskId ?? r.id).join(', '),
    ...(compatibleWith(c, w) ? {} : { problem: `runs ${w.orch ? `Orch ${w.orch}` : 'an older Orch'} (protocol ${w.protocol ?? 1}), the daemon Orch ${c.orch ?? '?'}: takes none of its jobs` }),
  };
}
