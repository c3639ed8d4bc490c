import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { addMissingKeys, lineDiff } from './toml-edit.js';

describe('addMissingKeys', () => {
  it('writes a fresh file', () => {
    const r = addMissingKeys('', [
      { table: '', key: 'max_parallel_agents', value: 2 },
      { table: 'agent', key: 'backend', value: 'claude' },
      { table: 'commands', key: 'test', value: ['npm', 'test'] },
    ]);
    expect(parse(r.text)).toEqual({ max_parallel_agents: 2, agent: { backend: 'claude' }, commands: { test: ['npm', 'test'] } });
  });

  it('keeps comments and the user values, adding only what is missing, and is a no-op the second time', () => {
    const before = '# mine\nmax_parallel_agents = 5 # five\n\n[agent]\n# the CLI\nbackend = "codex"\n';
    const entries = [
      { table: '', key: 'max_parallel_agents', value: 2 },
      { table: '', key: 'target_branch', value: 'main' },
      { table: 'agent', key: 'backend', value: 'claude' },
      { table: 'agent', key: 'model', value: 'm' },
      { table: 'forge', key: 'kind', value: 'local' },
    ];
    const r = addMissingKeys(before, entries);
    expect(r.added.map((e) => e.key)).toEqual(['target_branch', 'model', 'kind']);
    expect(r.text.startsWith('# mine\nmax_parallel_agents = 5 # five\n')).toBe(true);
    expect(r.text).toContain('# the CLI\nbackend = "codex"');
    expect(parse(r.text)).toEqual({ max_parallel_agents: 5, target_branch: 'main', agent: { backend: 'codex', model: 'm' }, forge: { kind: 'local' } });
    const again = addMissingKeys(r.text, entries);
    expect(again.added).toEqual([]);
    expect(again.text).toBe(r.text);
  });
});

describe('lineDiff', () => {
  it('marks added and removed lines', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nx\nc\nd\n')).toBe('  a\n+ x\n- b\n  c\n+ d');
  });
});
