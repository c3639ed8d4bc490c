import { describe, expect, it } from 'vitest';
import { findCycles, formatCycle } from './cycles.js';
import { generateChains } from './testing.js';

const node = (id: string, ...dependsOn: string[]) => ({ id, dependsOn });

describe('findCycles', () => {
  it('finds nothing in a DAG', () => {
    expect(findCycles([node('a'), node('b', 'a'), node('c', 'a', 'b')])).toEqual([]);
  });

  it('returns members in dependency order starting at the smallest id', () => {
    // c -> a -> b -> c (each depends on the next)
    const cycles = findCycles([node('b', 'c'), node('c', 'a'), node('a', 'b')]);
    expect(cycles).toEqual([['a', 'b', 'c']]);
    expect(formatCycle(cycles[0]!)).toBe('a -> b -> c -> a');
  });

  it('reports self-loops', () => {
    expect(findCycles([node('x', 'x'), node('y', 'x')])).toEqual([['x']]);
  });

  it('reports one cycle per component, sorted, and ignores unknown ids', () => {
    const cycles = findCycles([
      node('z/E01', 'z/E02'),
      node('z/E02', 'z/E01', 'missing'),
      node('b/E01', 'b/E02'),
      node('b/E02', 'b/E03'),
      node('b/E03', 'b/E01'),
      node('free', 'b/E01'),
    ]);
    expect(cycles).toEqual([
      ['b/E01', 'b/E02', 'b/E03'],
      ['z/E01', 'z/E02'],
    ]);
  });

  it('picks the shortest way back inside a component', () => {
    // a -> b -> c -> d -> a and a shortcut c -> a
    const cycles = findCycles([node('a', 'b'), node('b', 'c'), node('c', 'd', 'a'), node('d', 'a')]);
    expect(cycles).toEqual([['a', 'b', 'c']]);
  });

  it('does not depend on input order', () => {
    const nodes = [node('a', 'b'), node('b', 'c', 'a'), node('c', 'a'), node('d', 'd')];
    const reversed = [...nodes].reverse();
    expect(findCycles(reversed)).toEqual(findCycles(nodes));
  });

  it('handles a 5,000-node chain without recursion limits', () => {
    const nodes = generateChains(1, 5000);
    nodes[0] = { ...nodes[0]!, dependsOn: ['m000/E5000'] };
    const cycles = findCycles(nodes);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(5000);
  });
});
