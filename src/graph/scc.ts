/**
 * Tarjan's strongly connected components, iterative (a 5,000-epic chain would overflow a recursive one).
 * Components come out in reverse topological order of the condensation: every component reachable from C
 * is emitted before C. `roots` fixes the visiting order, which makes the output deterministic.
 */
export function stronglyConnected(adj: readonly (readonly number[])[], roots: readonly number[]): number[][] {
  const n = adj.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const next = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const calls: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  const open = (v: number): void => {
    index[v] = counter;
    low[v] = counter;
    counter++;
    stack.push(v);
    onStack[v] = 1;
    calls.push(v);
  };

  for (const root of roots) {
    if (index[root] !== -1) continue;
    open(root);
    while (calls.length > 0) {
      const v = calls[calls.length - 1]!;
      const edges = adj[v]!;
      const e = next[v]!;
      if (e < edges.length) {
        next[v] = e + 1;
        const w = edges[e]!;
        if (index[w] === -1) open(w);
        else if (onStack[w] === 1) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      calls.pop();
      const parent = calls[calls.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[v]!);
      if (low[v] !== index[v]) continue;
      const component: number[] = [];
      for (;;) {
        const w = stack.pop()!;
        onStack[w] = 0;
        component.push(w);
        if (w === v) break;
      }
      components.push(component);
    }
  }
  return components;
}
