import { describe, expect, it } from 'vitest';
import { Event, EventType, eventPayloads, makeEvent, type EventData, type EventType as EventTypeT } from './index.js';

const signal = { id: 's1', runId: 'r1', taskId: 'a/E01', kind: 'question' as const, text: 'Which port?', audience: 'human' as const, answer: null, answeredBy: null, createdAt: 'now', answeredAt: null };

/** One payload per type as the engine writes it; a type without a sample fails the completeness test below. */
const samples: { [T in EventTypeT]: Array<EventData<T>> } = {
  sync: [{ ok: true, added: 1, updated: 0, removed: ['a/E09'], issues: 0 }],
  'task.status': [
    { status: 'in_progress' },
    { status: 'in_progress', continuesRun: 'r0', branch: 'feat/a-E01', resumesSession: null },
    { status: 'failed', error: 'agent exited 1' },
    { status: 'not_started', note: 'stopped' },
    { status: 'not_started', held: 'src/x.ts is held by a/E02', by: 'a/E02' },
    { status: 'not_started', blocked: 'codex is not installed' },
    { status: 'not_started', maintenance: 'deps' },
    { status: 'needs_review', category: 'security', reasons: [{ category: 'security', rule: 'security/aws-key', file: 'src/k.ts', line: 3, detail: 'an AWS key' }] },
    { status: 'complete', mergeCommit: 'abc' },
  ],
  'run.state': [{ from: 'running', to: 'agent_done', error: null }],
  'run.usage': [{ inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4, costUsd: 0.01, live: true }],
  'run.verified': [{ results: [{ kind: 'test', ok: false, command: 'npm test', exitCode: 1, timedOut: false, durationMs: 1200 }] }],
  'run.output': [
    { event: { type: 'text', text: 'hello' } },
    { event: { type: 'tool_call', id: 't1', name: 'Edit', input: { file_path: 'src/x.ts' } } },
    { event: { type: 'tool_result', id: 't1', isError: false, output: 'ok' } },
    { event: { type: 'error', message: 'boom' } },
  ],
  'run.waiting': [{ reason: 'waiting for an answer' }, { paused: ['a/E01'], all: true }],
  'run.step': [{ step: 'review', status: 'changes_requested', round: 1, agent: 'reviewer', summary: 'add a test' }],
  'run.retry': [{ attempt: 3, max: 10, delayMs: 4000, status: null, message: 'connection refused', text: 'retrying API: connection refused (3/10), next try in 4 s' }],
  'run.signal': [{ signal: { ...signal, kind: 'stuck', audience: null } }],
  'run.question': [{ signal }],
  'run.answer': [{ signal: { ...signal, answer: '8080', answeredBy: 'human', answeredAt: 'later' } }],
  'batch.started': [{ batchId: 'b1', scope: { tasks: [], module: 'a' }, maxTasks: null }],
  'batch.finished': [{ batchId: 'b1' }],
  'batch.missed': [{ name: 'nightly', due: '2026-12-04T01:00:00.000Z', reason: 'it could not start: the plan has 2 problems' }],
  'budget.warning': [{ key: 'daily_usd', scope: 'day', id: '2026-12-03', unit: 'usd', spent: 7.5, limit: 10, unpriced: 0, message: '75% used' }],
  'budget.exceeded': [{ key: 'task_tokens', scope: 'task', id: 'a/E01', unit: 'tokens', spent: 1200, limit: 1000, unpriced: 1, message: 'spent', overshoot: 200 }],
  'daemon.started': [{}],
  'daemon.stopping': [{}],
  'worktree.orphan': [{ path: '/w/x', kind: 'worktree', savedRef: null, removed: true }],
};

describe('typed events', () => {
  it('has a payload schema and a sample for every event type', () => {
    expect(Object.keys(samples).sort()).toEqual([...EventType.options].sort());
    expect(Object.keys(eventPayloads).sort()).toEqual([...EventType.options].sort());
  });

  it('parses every payload the engine writes, after a JSON round trip, narrowed by type', () => {
    for (const type of EventType.options) {
      for (const data of samples[type] as Array<EventData<typeof type>>) {
        const wire: unknown = JSON.parse(JSON.stringify(makeEvent(7, '2026-12-03T10:00:00Z', type, 'a/E01', 'r1', data)));
        const parsed = Event.safeParse(wire);
        expect(parsed.success, `${type}: ${parsed.error?.message ?? ''}`).toBe(true);
        expect(parsed.data?.data).toEqual(data);
      }
    }
    const e = Event.parse({ seq: 1, ts: 't', type: 'run.state', taskId: null, runId: null, data: { from: 'queued', to: 'running', error: null } });
    // Narrowing: `e.data.to` is a RunState only inside the branch.
    if (e.type === 'run.state') expect(e.data.to).toBe('running');
  });

  it('rejects a payload that does not match its type, and unknown types', () => {
    expect(Event.safeParse({ seq: 1, ts: 't', type: 'run.state', taskId: null, runId: null, data: { to: 'nowhere' } }).success).toBe(false);
    expect(Event.safeParse({ seq: 1, ts: 't', type: 'batch.finished', taskId: null, runId: null, data: {} }).success).toBe(false);
    expect(Event.safeParse({ seq: 1, ts: 't', type: 'run.output', taskId: null, runId: null, data: { event: { type: 'text' } } }).success).toBe(false);
    expect(Event.safeParse({ seq: 1, ts: 't', type: 'no.such', taskId: null, runId: null, data: {} }).success).toBe(false);
  });
});
