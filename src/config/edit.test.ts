import { describe, expect, it } from 'vitest';
import { hasKey, setTomlKey } from './edit.js';

const file = `# Orch project config
max_parallel_agents = 3 # how many at once

[agent]
# the default agent
backend = "claude"
model = "" # CLI default

[roles]
coder = "fast"
`;

describe('setTomlKey', () => {
  it('replaces a value in place, keeping comments and every other line', () => {
    const out = setTomlKey(file, ['max_parallel_agents'], 5);
    expect(out).toBe(file.replace('max_parallel_agents = 3 # how many at once', 'max_parallel_agents = 5 # how many at once'));
    const m = setTomlKey(file, ['agent', 'model'], 'opus');
    expect(m).toContain('model = "opus" # CLI default');
    expect(m).toContain('# the default agent');
  });

  it('adds a missing key to its table, or the table at the end', () => {
    const a = setTomlKey(file, ['roles', 'reviewer'], 'careful');
    expect(a).toContain('coder = "fast"\nreviewer = "careful"');
    const b = setTomlKey('x = 1\n', ['agents', 'fast', 'model'], 'gpt');
    expect(b).toBe('x = 1\n\n[agents.fast]\nmodel = "gpt"\n');
    const c = setTomlKey(file, ['merge_strategy'], 'rebase');
    expect(c.indexOf('merge_strategy')).toBeLessThan(c.indexOf('[agent]'));
  });

  it('handles root-level dotted keys and strings with # in them', () => {
    expect(setTomlKey('roles.coder = "a" # c\n', ['roles', 'coder'], 'b')).toBe('roles.coder = "b" # c\n');
    expect(setTomlKey('[agent]\nmodel = "x#y"\n', ['agent', 'model'], 'z')).toBe('[agent]\nmodel = "z"\n');
    expect(hasKey(file, ['roles', 'coder'])).toBe(true);
    expect(hasKey(file, ['roles', 'planner'])).toBe(false);
  });
});
