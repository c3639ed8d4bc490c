/**
 * The dependency graph page at 2,000 tasks in real Chromium, against a real daemon:
 *  - layout: what the page reports (`laid out in N ms`), and whether the main thread was free meanwhile;
 *  - first paint: opening `#/graph` to the graph drawn (info shown, then two animation frames);
 *  - zoom: 10 wheel steps, each timed from the event to the frame after it was painted (mean and worst);
 *  - the same with every module expanded (all 2,000 tasks on screen), when the page collapses modules.
 * Usage: npm run build && node dist/bench/web-graph.js [tasks=2000]
 */
import { chromium, type Page } from 'playwright-core';
import { benchProject } from './lib/project.js';

const tasks = Number(process.argv[2] ?? 2000);

/** Page code runs in the browser (no DOM types here): passed as source text. */
const FRAMES = `new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(() => res(undefined))))`;
const ZOOM = `(async () => {
  const el = document.querySelector('[data-testid="graph"]');
  const r = el.getBoundingClientRect();
  const times = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    el.dispatchEvent(new WheelEvent('wheel', { deltaY: i < 5 ? -120 : 120, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
    await ${FRAMES};
    times.push(performance.now() - t);
  }
  return times;
})()`;
/** The longest the main thread went without running a timer while `ms` passed (a blocked thread cannot tick). */
const LONGEST_STALL = `window.__stall = { worst: 0, last: performance.now(), id: setInterval(() => { const t = performance.now(); window.__stall.worst = Math.max(window.__stall.worst, t - window.__stall.last); window.__stall.last = t; }, 10) }`;

async function zoom(p: Page, what: string): Promise<void> {
  const times = (await p.evaluate(ZOOM)) as number[];
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(`${what}: zoom frame ${mean.toFixed(0)} ms mean, ${Math.max(...times).toFixed(0)} ms worst (10 wheel steps, event to painted frame)`);
}

async function main(): Promise<void> {
  const proj = await benchProject(Math.max(1, Math.round(tasks / 100)), Math.min(100, tasks), 'orch-bench-graph-');
  const plan = proj.plan;
  const browser = await chromium.launch({
    executablePath: process.env.ORCH_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const url = proj.orch('open', '--print-url').stdout.trim();
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    const p = await ctx.newPage();
    await p.goto(url);
    await p.waitForSelector('.card');
    // What a frame costs on this machine with nothing to draw: the floor under the zoom numbers below.
    const idle = (await p.evaluate(`(async () => { const ts = []; for (let i = 0; i < 10; i++) { const t = performance.now(); await ${FRAMES}; ts.push(performance.now() - t); } return ts; })()`)) as number[];
    console.log(`idle page: two frames in ${(idle.reduce((a, b) => a + b, 0) / idle.length).toFixed(0)} ms mean (the floor under the zoom numbers)`);
    for (const visit of ['first visit', 'second visit (layout cached)']) {
      await p.goto(new URL('/#/dashboard', url).href);
      await p.waitForSelector('.card');
      await p.evaluate(LONGEST_STALL);
      const t0 = Date.now();
      await p.goto(new URL('/#/graph', url).href);
      await p.locator('[data-testid="graph-info"]', { hasText: 'laid out in' }).waitFor({ timeout: 600_000 });
      await p.evaluate(FRAMES);
      const firstPaint = Date.now() - t0;
      const stall = (await p.evaluate('(clearInterval(window.__stall.id), window.__stall.worst)')) as number;
      const info = await p.getByTestId('graph-info').innerText();
      console.log(`graph ${visit} (${plan.tasks} tasks): ${info}; first paint ${firstPaint} ms after opening the page; longest main-thread stall ${stall.toFixed(0)} ms`);
      await zoom(p, `graph ${visit}`);
    }
    const expandAll = p.getByRole('button', { name: 'Expand all' });
    if ((await expandAll.count()) > 0) {
      const t1 = Date.now();
      await expandAll.click();
      await p.locator('[data-testid="graph-info"]', { hasText: `${plan.tasks} tasks, ` }).waitFor({ timeout: 600_000 });
      await p.evaluate(FRAMES);
      console.log(`graph, every module expanded: ${await p.getByTestId('graph-info').innerText()}; drawn ${Date.now() - t1} ms after the click`);
      await zoom(p, 'graph, every module expanded');
    }
  } finally {
    await browser.close();
    proj.cleanup();
  }
}

await main();
