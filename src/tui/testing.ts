import type { Event, Run, Signal, Status, Task } from '../api/index.js';
import type { Client } from '../client/index.js';

/** A daemon client for component tests: answers from memory, streams pushed events, records posts. */
export function fakeClient(o: { status: Status; tasks: Task[]; questions?: Signal[] }) {
  const posts: Array<{ path: string; body: unknown }> = [];
  const streams: Array<{ since?: number; push: (e: Event) => void; end: (err?: Error) => void }> = [];
  /** `fail[path]`: a POST there throws this message, as the client does with the daemon's error. */
  const data = { status: o.status, tasks: o.tasks, questions: o.questions ?? [], reviews: [] as unknown[], fail: {} as Record<string, string> };
  const client = {
    info: { pid: 1, host: '127.0.0.1', port: 1, token: 't', root: '/r', version: 't', startedAt: '' },
    async get(path: string) {
      if (path === '/api/status') return data.status;
      if (path === '/api/tasks') return data.tasks;
      if (path === '/api/questions') return data.questions;
      if (path === '/api/reviews') return data.reviews;
      if (path.startsWith('/api/task?id=')) {
        const id = decodeURIComponent(path.slice('/api/task?id='.length));
        const t = data.tasks.find((x) => x.id === id);
        if (!t) throw new Error(`no task ${id}`);
        return { task: t, runs: data.status.active.filter((r) => r.taskId === id) };
      }
      throw new Error(`no fake answer for GET ${path}`);
    },
    async post(path: string, body: unknown) {
      posts.push({ path, body });
      if (data.fail[path]) throw new Error(data.fail[path]);
      if (path === '/api/start') return { batch: { id: 'b', scope: { tasks: [] }, maxTasks: null, started: 1, state: 'active', createdAt: '', endedAt: null }, started: [{ taskId: 'a/E02', runId: 'r9' }], skipped: [] };
      if (path === '/api/stop') return { stopped: (body as { tasks: string[] }).tasks };
      if (path.endsWith('/answer')) return {};
      if (path === '/api/reload') return { applied: [], restart: [] };
      return {};
    },
    events(onEvent: (e: Event) => void, opts: { since?: number; signal?: AbortSignal } = {}) {
      return new Promise<void>((resolve, reject) => {
        streams.push({ since: opts.since, push: onEvent, end: (err) => (err ? reject(err) : resolve()) });
        opts.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    },
    async *log() {
      yield JSON.stringify({ t: '2026-12-03T10:00:00.000Z', s: 'orch', l: 'worktree created' });
      yield JSON.stringify({ t: '2026-12-03T10:00:01.000Z', s: 'out', l: '', e: [{ type: 'tool_call', id: '1', name: 'Bash', input: { command: 'npm test' } }] });
      yield JSON.stringify({ t: '2026-12-03T10:00:02.000Z', s: 'out', l: '', e: [{ type: 'tool_result', id: '1', isError: true, output: 'FAIL x.test.ts\nline 2' }] });
    },
  };
  return { client: client as unknown as Client, posts, streams, data };
}

export const usage = { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.05 };

export function run(id: string, taskId: string, state: Run['state'] = 'running', extra: Partial<Run> = {}): Run {
  return {
    id, taskId, batchId: 'b', state, attempt: 1, branch: `feat/${taskId}`, worktree: `/w/${id}`, targetBranch: 'main', backend: 'claude', sessionId: null, pid: 1,
    commitSha: null, mergeCommit: null, savedRef: null, prNumber: null, prUrl: null, waitingReason: null, error: null, usage, verification: null,
    startedAt: new Date(Date.now() - 65_000).toISOString(), endedAt: null, durationMs: null, createdAt: new Date().toISOString(), ...extra,
  };
}

export function task(id: string, extra: Partial<Task> = {}): Task {
  const [module = 'a', e = 'E01'] = id.split('/');
  return {
    id, module, epic: Number(e.slice(1)), title: `Task ${id}`, description: 'Do the thing.', status: 'not_started', statusNote: null, priority: 'medium',
    dependsOn: [], ready: true, waitingFor: [], needsReview: false, touches: [], agent: null, model: null, file: `docs/plans/${module}/${e}.md`, removed: false, ...extra,
  };
}

export function status(active: Run[], extra: Partial<Status> = {}): Status {
  return {
    project: { root: '/r', key: 'k', targetBranch: 'main', plansDir: 'docs/plans' },
    daemon: { pid: 1, port: 1, startedAt: '', version: 't' },
    counts: { not_started: 2, in_progress: active.length, complete: 3, failed: 0, needs_review: 0 },
    ready: 1, maxParallel: 4, paused: false, active, waiting: [], batches: [], totals: usage,
    today: { merged: 3, failed: 1, tokens: 12_345, costUsd: 1.5 }, lastSync: null, ...extra,
  };
}

let seq = 0;
export const output = (runId: string, taskId: string, event: Extract<Event, { type: 'run.output' }>['data']['event']): Event => ({ seq: 0, ts: new Date().toISOString(), type: 'run.output', taskId, runId, data: { event } });
export const persisted = <E extends Event>(e: Omit<E, 'seq' | 'ts'>): Event => ({ ...e, seq: ++seq, ts: new Date().toISOString() }) as Event;
