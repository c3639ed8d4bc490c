import { describe, expect, it } from 'vitest';
import type { Event } from '../api/index.js';
import { addToPane, emptyPane } from './panes.js';
import { output, persisted } from './testing.js';

describe('a pane\'s activity', () => {
  it('is what the run waits for while it waits, and clears when the run goes on (resumed, answered)', () => {
    const waiting = persisted({ type: 'run.waiting', taskId: 'a/E01', runId: 'r1', data: { reason: 'paused — orch resume continues it' } } as Omit<Event, 'seq' | 'ts'>);
    let pane = addToPane(emptyPane(), [waiting], '/w/r1');
    expect(pane.activity).toBe('waiting: paused — orch resume continues it');
    pane = addToPane(pane, [persisted({ type: 'run.state', taskId: 'a/E01', runId: 'r1', data: { from: 'waiting', to: 'running', error: null } } as Omit<Event, 'seq' | 'ts'>)], '/w/r1');
    expect(pane.activity).toBeNull();
    // Output after the resume in the same frame names what it does.
    pane = addToPane(pane, [waiting], '/w/r1');
    pane = addToPane(pane, [persisted({ type: 'run.state', taskId: 'a/E01', runId: 'r1', data: { from: 'waiting', to: 'running', error: null } } as Omit<Event, 'seq' | 'ts'>), output('r1', 'a/E01', { type: 'tool_call', id: '1', name: 'Bash', input: { command: 'npm test' } })], '/w/r1');
    expect(pane.activity).toBe('running tests');
  });
});
