/**
 * The TUI's render loop under a flood: ten agents each printing 5,000 lines a second into the real App (event
 * batching, pane caps, Ink rendering), with a key pressed every 200 ms. Prints frames per second, key-to-screen
 * latency p50/p99 and memory. `npm run bench:tui [-- --seconds 10 --agents 10 --rate 5000]`; with
 * `node --expose-gc dist/bench/tui-flood.js` memory is sampled after a collection (what is kept, not garbage).
 */
import './tui-start.js';
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { fakeClient, run, status, task } from '../src/tui/testing.js';
import { mountApp } from './tui-harness.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const seconds = arg('seconds', 10);
const agents = arg('agents', 10);
const rate = arg('rate', 5000);

const active = Array.from({ length: agents }, (_, i) => run(`r${i}`, `m${i}/E01`));
const w = fakeClient({ status: status(active), tasks: active.map((r) => task(r.taskId, { status: 'in_progress' })) });
const ui = mountApp(w.client, 160, 48);
await ui.waitFor((f) => f.includes(`RUNNING ${agents}`));
ui.stdin.write('2');
await ui.waitFor((f) => f.includes('page 1/'));

// The offered load is real: each tick sends what the elapsed time owes (a busy loop that ticks late catches up).
// Every line is new, as an agent's are (a cache keyed by text must not hide growth).
const ts = new Date().toISOString();
let sent = 0;
let owedPerAgent = 0;
const floodStart = performance.now();
const flood = setInterval(() => {
  const push = w.streams[0]?.push;
  if (!push) return;
  const due = Math.floor(((performance.now() - floodStart) / 1000) * rate);
  for (; owedPerAgent < due; owedPerAgent++) {
    for (const r of active) {
      sent++;
      const event = sent % 3 === 0 ? { type: 'tool_call' as const, id: String(sent), name: 'Bash', input: { command: `npm test -- case ${sent}` } } : { type: 'text' as const, text: `line ${sent} of ${r.taskId}: some output of the agent` };
      push({ seq: 0, ts, type: 'run.output', taskId: r.taskId, runId: r.id, data: { event } });
    }
  }
}, 10);

const latencies: number[] = [];
let peakRss = 0;
let peakHeap = 0;
let peakNewSpace = 0;
const rssAt: number[] = [];
const framesAtStart = ui.stdout.frames;
const renderAtStart = ui.renderTimes.length;
const cpuAtStart = process.cpuUsage();
const t0 = performance.now();
let view = 2;
while (performance.now() - t0 < seconds * 1000) {
  await new Promise((r) => setTimeout(r, 200));
  // Alternate between the agents view and the dashboard: the frame that shows the other one ends the measurement.
  view = view === 2 ? 1 : 2;
  const expect = view === 1 ? '[1 dashboard]' : '[2 agents]';
  const start = performance.now();
  ui.stdin.write(String(view));
  await ui.waitFor((f) => f.includes(expect), 10_000);
  latencies.push(performance.now() - start);
  // With --expose-gc, memory is sampled after a collection: what is kept, not what awaits collection.
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  // RSS at each quarter of the run: a steady state, not a climb, is what bounded memory looks like.
  const q = Math.min(3, Math.floor(((performance.now() - t0) / (seconds * 1000)) * 4));
  rssAt[q] = m.rss;
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakNewSpace = Math.max(peakNewSpace, getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0);
}
clearInterval(flood);
const elapsed = (performance.now() - t0) / 1000;
const frames = ui.stdout.frames - framesAtStart;
const cpu = process.cpuUsage(cpuAtStart);
const cpuS = (cpu.user + cpu.system) / 1e6;
latencies.sort((a, b) => a - b);
const pctOf = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const pct = (p: number) => pctOf(latencies, p);
const renders = ui.renderTimes.slice(renderAtStart).sort((a, b) => a - b);
const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
process.stdout.write(
  `tui flood: ${agents} agents x ${rate} lines/s for ${elapsed.toFixed(1)} s (${sent.toLocaleString('en-US')} events, ${Math.round(sent / elapsed).toLocaleString('en-US')}/s offered)\n` +
    `frames: ${frames} (${(frames / elapsed).toFixed(1)} fps); cpu ${cpuS.toFixed(1)} s (${Math.round((cpuS / elapsed) * 100)}% of a core, the load included)\n` +
    `ink render per frame: p50 ${pctOf(renders, 50).toFixed(1)} ms, p99 ${pctOf(renders, 99).toFixed(1)} ms over ${renders.length} renders\n` +
    `key to screen: p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${(latencies[latencies.length - 1] ?? NaN).toFixed(1)} ms over ${latencies.length} keys\n` +
    `memory: peak rss ${mb(peakRss)} MB, peak heap ${mb(peakHeap)} MB (young generation ${mb(peakNewSpace)} MB); rss at each quarter ${rssAt.map((b) => mb(b)).join(', ')} MB\n`,
);
ui.app.unmount();
process.exit(0);
