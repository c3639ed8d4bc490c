import { describe, expect, it } from 'vitest';
import { makeEvent, type Event } from '../../api/index.js';
import { feedDetail } from './feed.js';

const ev = (type: string, data: unknown, taskId: string | null = 'core/E01'): Event => makeEvent(7, '2026-12-04T10:00:00.000Z', type as never, taskId, 'r1', data as never) as Event;

describe('feedDetail', () => {
  it('says what each event did, with the CLI line where there is one', () => {
    expect(feedDetail(ev('run.state', { from: 'queued', to: 'preparing', error: null }))).toEqual({ kind: 'orch', text: 'queued → preparing' });
    expect(feedDetail(ev('task.status', { status: 'complete', mergeCommit: 'abcdef1234567' }))).toEqual({ kind: 'result', text: 'merged as abcdef1234' });
    expect(feedDetail(ev('task.status', { status: 'in_progress' }))).toEqual({ kind: 'info', text: 'in progress' });
    expect(feedDetail(ev('task.status', { status: 'not_started', blocked: 'agent CLI gone is missing' })).text).toBe('not started (agent CLI gone is missing)');
    expect(feedDetail(ev('run.usage', { inputTokens: 1500, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.25 })).text).toBe('2.0k tokens, $0.250');
    expect(feedDetail(ev('sync', { ok: true, added: 2, updated: 1, removed: ['a/E01'], issues: 0 }, null)).text).toBe('plan read: 2 added, 1 updated, 1 removed');
    expect(feedDetail(ev('sync', { ok: false, added: 0, updated: 0, removed: [], issues: 3 }, null)).kind).toBe('error');
    expect(feedDetail(ev('batch.started', { batchId: 'b', scope: { tasks: ['a/E01'] }, maxTasks: null }, null)).text).toBe('1 task');
    expect(feedDetail(ev('batch.started', { batchId: 'b', scope: { tasks: [] }, maxTasks: null }, null)).text).toBe('every ready task');
    expect(feedDetail(ev('daemon.started', {}, null)).text).toBe('');
  });
});
