import { layoutTasks, type GraphTask } from './layout.js';

// PERF: dagre takes seconds on a 2,000-task plan (bench/web-graph.ts); here the page stays responsive meanwhile.
const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<{ key: string; tasks: GraphTask[]; aspect: number }>) => void) | null; postMessage: (m: unknown) => void };
scope.onmessage = (e) => {
  scope.postMessage({ key: e.data.key, placed: layoutTasks(e.data.tasks, e.data.aspect) });
};
