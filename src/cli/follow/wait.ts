import { z } from 'zod';
import { BatchReport, Status, Task, type Event } from '../../api/index.js';
import type { Client } from '../../client/index.js';
import { CliError, Exit } from '../context.js';
import { createProgress, type Progress } from './progress.js';
import { out } from '../io.js';

export type WaitEnd =
  | { kind: 'done' }
  | { kind: 'human' }
  | { kind: 'paused' }
  /** The daemon stopped (`orch daemon stop`, a crash): exit 3. */
  | { kind: 'daemon'; message: string };

export interface Followed {
  end: WaitEnd;
  report: BatchReport;
  tasks: Task[];
  status: Status | undefined;
}

const POLL_MS = 1500;

/**
 * Follows a batch until it is over or only a person can move it on (a review, a question, a dirty checkout, a
 * pause): checked twice in a row so a state in passing does not end the wait. A daemon that stops answering ends
 * the wait too, said as such (never a silent hang).
 */
export async function followBatch(c: Client, batchId: string, o: { quiet: boolean; verbose: boolean; scope: (taskId: string) => boolean; total: number; announced: string[] }): Promise<Followed> {
  const progress: Progress = createProgress({ quiet: o.quiet, verbose: o.verbose, total: o.total });
  for (const id of o.announced) progress.announced(id);
  const abort = new AbortController();
  const onSigint = (): void => {
    abort.abort();
    progress.close();
    const said = 'interrupted; the daemon keeps working: `orch status` shows it, `orch start --wait` follows it again, `orch stop` stops it';
    process.stderr.write(`\n${said}\n`);
    // `--json` promised a document on stdout.
    if (o.quiet) out(`${JSON.stringify({ ok: false, error: { message: said, exitCode: Exit.interrupted, code: 'interrupted' } }, null, 2)}\n`);
    process.exit(Exit.interrupted);
  };
  process.once('SIGINT', onSigint);
  let stopping = false;
  let failures = 0;
  let lastError = '';
  let idle = { human: 0, paused: 0 };
  let last: { report: BatchReport; status: Status } | undefined;
  let poll: NodeJS.Timeout | undefined;

  const end = await new Promise<WaitEnd>((resolve) => {
    let settled = false;
    const finish = (e: WaitEnd): void => {
      if (settled) return;
      settled = true;
      resolve(e);
    };
    const check = async (): Promise<void> => {
      if (settled) return;
      try {
        const [report, status] = await Promise.all([c.get(`/api/batches/${batchId}`, BatchReport), c.get('/api/status', Status)]);
        failures = 0;
        last = { report, status };
        progress.status(status, o.scope);
        if (report.done) return finish({ kind: 'done' });
        idle = {
          human: !report.busy && report.needsHuman.length > 0 ? idle.human + 1 : 0,
          paused: status.paused && !report.busy ? idle.paused + 1 : 0,
        };
        if (idle.paused >= 2) return finish({ kind: 'paused' });
        if (idle.human >= 2) return finish({ kind: 'human' });
      } catch (e) {
        failures++;
        lastError = (e as Error).message;
        if (failures >= (stopping ? 1 : 3)) {
          finish({
            kind: 'daemon',
            message: stopping
              ? `the Orch daemon was stopped while waiting (\`orch daemon stop\` or a signal); its runs resume on the next \`orch start\``
              : `the Orch daemon stopped answering while waiting (${lastError}); \`orch daemon status\` and its log say why, \`orch start --wait\` follows again`,
          });
        }
      }
    };
    poll = setInterval(() => void check(), POLL_MS);
    void c
      .events(
        (e: Event) => {
          if (e.type === 'daemon.stopping') stopping = true;
          if (e.taskId === null || o.scope(e.taskId)) progress.event(e);
          if (e.type === 'batch.finished' && e.data.batchId === batchId) void check();
          if (e.type === 'run.state' || e.type === 'run.waiting' || e.type === 'batch.finished') void check();
        },
        // Progress needs states, not every line the agents print.
        { signal: abort.signal, output: false },
      )
      // The stream ends when the daemon goes away: look at once instead of at the next poll.
      .then(() => void check(), () => void check());
    void check();
  });
  clearInterval(poll);
  abort.abort();
  progress.close();
  process.off('SIGINT', onSigint);
  if (end.kind === 'daemon') {
    return { end, report: last?.report ?? emptyReport(batchId), tasks: [], status: last?.status };
  }
  try {
    const [report, status, tasks] = await Promise.all([c.get(`/api/batches/${batchId}`, BatchReport), c.get('/api/status', Status), c.get('/api/tasks', z.array(Task))]);
    return { end, report, tasks, status };
  } catch (e) {
    throw new CliError(`the Orch daemon stopped answering at the end of the wait: ${(e as Error).message}`, Exit.daemon);
  }
}

const emptyReport = (id: string): BatchReport => ({
  batch: { id, scope: { tasks: [] }, maxTasks: null, started: 0, state: 'active', createdAt: '', endedAt: null, name: null, budgetUsd: null, deadline: null },
  runs: [],
  merged: [],
  failed: [],
  needsHuman: [],
  busy: false,
  done: false,
});
