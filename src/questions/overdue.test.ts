import { describe, expect, it } from 'vitest';
import type { Signal } from '../api/index.js';
import { parkOverdueQuestions, questionTimeoutMinutes, type WaitingRun } from './overdue.js';

const q = (id: string, runId: string, createdAt: string): Signal => ({ id, runId, taskId: `t/${runId}`, kind: 'question', text: `Question ${id}?`, audience: 'human', answer: null, answeredBy: null, createdAt, answeredAt: null });

describe('questions nobody answers', () => {
  it('reads "4h", "90m", "1d 2h"; "" and 0 are never', () => {
    expect([questionTimeoutMinutes('4h'), questionTimeoutMinutes('90m'), questionTimeoutMinutes('1d 2h'), questionTimeoutMinutes(''), questionTimeoutMinutes('0m')]).toEqual([240, 90, 1560, undefined, undefined]);
  });

  it('parks the run of a question unanswered past question_timeout once, with the reason; not before, not a busy or running one', () => {
    const runs = new Map<string, WaitingRun>([
      ['r1', { id: 'r1', taskId: 't/r1', state: 'waiting', waitingReason: 'question q1: Question q1? — answer with: orch answer q1 "..."' }],
      ['r2', { id: 'r2', taskId: 't/r2', state: 'waiting', waitingReason: 'question q2: ...' }],
      ['r3', { id: 'r3', taskId: 't/r3', state: 'running', waitingReason: null }],
      ['r4', { id: 'r4', taskId: 't/r4', state: 'waiting', waitingReason: 'question q4: ...' }],
    ]);
    const open = [q('q1', 'r1', '2026-12-03T20:00:00.000Z'), q('q2', 'r2', '2026-12-03T23:30:00.000Z'), q('q3', 'r3', '2026-12-03T20:00:00.000Z'), q('q4', 'r4', '2026-12-03T20:00:00.000Z')];
    const parked: Array<[string, string]> = [];
    let now = new Date('2026-12-03T23:59:00.000Z');
    const deps = {
      open: () => open,
      run: (id: string) => runs.get(id),
      busy: (runId: string) => runId === 'r4',
      park: (run: WaitingRun, reason: string) => {
        parked.push([run.id, reason]);
        runs.set(run.id, { ...run, waitingReason: reason });
      },
      now: () => now,
    };
    expect(parkOverdueQuestions(deps, '')).toEqual([]);
    expect(parkOverdueQuestions(deps, '4h')).toEqual([]);
    now = new Date('2026-12-04T00:00:00.000Z');
    expect(parkOverdueQuestions(deps, '4h')).toEqual(['q1']);
    expect(parked).toEqual([['r1', 'question q1 unanswered for 4h: Question q1? — answer with: orch answer q1 "..." (or .orch/answers/q1.md), or end it with: orch stop t/r1']]);
    expect(parkOverdueQuestions(deps, '4h')).toEqual([]);
    now = new Date('2026-12-04T03:30:00.000Z');
    expect(parkOverdueQuestions(deps, '4h')).toEqual(['q2']);
    expect(parked).toHaveLength(2);
  });
});
