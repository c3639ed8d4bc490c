import { aspectBucket, layoutTasks, shapeKey, type GraphTask, type Placed } from './layout.js';

const memory = new Map<string, Placed>();
// v2: modules packed to the box's shape, with labels (older layouts have neither).
const STORE_PREFIX = 'orch.layout2.';
let worker: Worker | undefined;
const waiting = new Map<string, { tasks: GraphTask[]; aspect: number; done: Array<(p: Placed) => void> }>();

function fromStorage(key: string): Placed | undefined {
  try {
    const raw = localStorage.getItem(STORE_PREFIX + key);
    return raw ? (JSON.parse(raw) as Placed) : undefined;
  } catch {
    return undefined;
  }
}

function toStorage(key: string, p: Placed): void {
  try {
    // One plan's layouts at a time: older ones go first when the quota is reached, those of an older format at once.
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const k = localStorage.key(i);
      if (k?.startsWith('orch.layout') && (!k.startsWith(STORE_PREFIX) || localStorage.length > 8)) localStorage.removeItem(k);
    }
    localStorage.setItem(STORE_PREFIX + key, JSON.stringify(p));
  } catch {
    // full or refused: the memory cache still holds it
  }
}

/**
 * The layout of `tasks`, computed in a Web Worker and cached by the plan's shape (ids and edges; statuses recolour
 * without a new layout) and the shape of the box it is shown in (`aspect`, width / height, in a few buckets): in memory
 * for this page, in localStorage across reloads. `cached` says whether it was.
 */
export function layoutCached(tasks: GraphTask[], boxAspect = 2): Promise<Placed & { cached: boolean }> {
  const aspect = aspectBucket(boxAspect);
  const key = `${shapeKey(tasks)}@${aspect}`;
  const hit = memory.get(key) ?? fromStorage(key);
  if (hit) {
    memory.set(key, hit);
    return Promise.resolve({ ...hit, cached: true });
  }
  return new Promise((resolve) => {
    const done = (p: Placed): void => {
      memory.set(key, p);
      toStorage(key, p);
      resolve({ ...p, cached: false });
    };
    if (typeof Worker === 'undefined') return done(layoutTasks(tasks, aspect));
    const list = waiting.get(key);
    if (list) return void list.done.push(done);
    const copy = plain(tasks);
    waiting.set(key, { tasks: copy, aspect, done: [done] });
    worker ??= createWorker();
    worker.postMessage({ key, tasks: copy, aspect });
  });
}

function createWorker(): Worker {
  const w = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (e: MessageEvent<{ key: string; placed: Placed }>) => {
    const list = waiting.get(e.data.key);
    waiting.delete(e.data.key);
    for (const f of list?.done ?? []) f(e.data.placed);
  };
  // A worker that cannot start (an old browser, a policy): the layouts it owed are made here, on the main thread.
  w.onerror = () => {
    worker = undefined;
    const owed = [...waiting.values()];
    waiting.clear();
    for (const { tasks, aspect, done } of owed) {
      const p = layoutTasks(tasks, aspect);
      for (const f of done) f(p);
    }
  };
  return w;
}

/** Plain copies (Svelte state proxies cannot be cloned into a worker). */
function plain(tasks: GraphTask[]): GraphTask[] {
  return tasks.map((t) => ({ id: t.id, module: t.module, status: t.status, title: t.title, dependsOn: [...t.dependsOn], ...(t.count !== undefined ? { count: t.count } : {}) }));
}
