import { describe, expect, it } from 'vitest';
import { createUnseenChanges } from './sync.js';

const meta = () => {
  const m = new Map<string, string>();
  return { meta: { get: (k: string) => m.get(k), set: (k: string, v: string) => void m.set(k, v), delete: (k: string) => void m.delete(k) } };
};
const none = { added: [], updated: [], removed: [] };

describe('changes of syncs nobody saw', () => {
  it('are told once by the next seen sync, merged with its own', () => {
    const u = createUnseenChanges(meta());
    u.keep({ added: ['a/E01', 'a/E02'], updated: [], removed: ['b/E01'] });
    u.keep({ added: [], updated: ['a/E02', 'a/E03'], removed: ['a/E01'] });
    expect(u.take({ ...none, updated: ['c/E01'], extra: 1 })).toEqual({ added: ['a/E02'], updated: ['a/E03', 'c/E01'], removed: ['b/E01', 'a/E01'], extra: 1 });
    expect(u.take(none)).toEqual(none);
  });

  it('a task back in the plan after an unseen removal is an update, not a removal', () => {
    const u = createUnseenChanges(meta());
    u.keep({ ...none, removed: ['a/E01'] });
    expect(u.take({ ...none, updated: ['a/E01'] })).toEqual({ ...none, updated: ['a/E01'] });
  });
});
