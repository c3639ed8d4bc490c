/**
 * The web page in real Chromium against a real daemon (its own process):
 *  - first load: bytes on the wire (gzip, as served) and time to the first dashboard paint, cold cache;
 *  - dashboard frame rate with 20 live agents, each printing 20 lines a second (an `claude` on PATH that chatters).
 * The dependency graph at 2,000 tasks (layout, first paint, zoom) is measured once, by bench/web-graph.ts.
 * Usage: npm run build && node dist/bench/web.js [agents=20]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { installChattyClaude } from './lib/chatty.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const orchBin = join(root, 'bin', 'orch.js');
const agents = Number(process.argv[2] ?? 20);
const base = mkdtempSync(join(tmpdir(), 'orch-bench-web-'));
const bin = join(base, 'bin');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${bin}:${process.env.PATH ?? ''}`,
  HOME: join(base, 'home'),
  XDG_STATE_HOME: join(base, 'state'),
  XDG_DATA_HOME: join(base, 'data'),
  XDG_CONFIG_HOME: join(base, 'config'),
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, stdio: 'ignore' });
const orch = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [orchBin, ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`orch ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
  return r.stdout.trim();
};

async function project(name: string, files: Record<string, string>): Promise<string> {
  const repo = join(base, name);
  mkdirSync(repo, { recursive: true });
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    writeFileSync(join(repo, p), c);
  }
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'init');
  return repo;
}

/** Polls without page-side eval (the page's CSP forbids it). */
async function until(ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  installChattyClaude(bin);
  const live = await project('live', {
    '.orch/config.toml': `max_parallel_agents = ${agents}\n\n[agent]\nstuck_minutes = 60\n`,
    ...Object.fromEntries(Array.from({ length: agents }, (_, i) => [`docs/plans/m${i}-module/epic-01-work.md`, `# Work ${i}\n\nKeep working.\n`])),
  });

  const browser = await chromium.launch({
    executablePath: process.env.ORCH_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    // First load, cold cache: the login link, then the dashboard's first paint of the totals.
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    const page = await ctx.newPage();
    const url = orch(live, 'open', '--print-url');
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector('.card');
    const firstPaintMs = Date.now() - t0;
    // Page code runs in the browser (no DOM types here): passed as source text.
    const assets = (await page.evaluate(
      `performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation')).map((e) => ({ name: e.name, encoded: e.encodedBodySize }))`,
    )) as Array<{ name: string; encoded: number }>;
    const pageBytes = assets.filter((a) => !a.name.includes('/api/')).reduce((n, a) => n + a.encoded, 0);
    console.log(`first load: ${(pageBytes / 1024).toFixed(1)} KB gzipped (html, js, css as served), ${firstPaintMs} ms to the dashboard's first data (cold cache, login redirect included)`);

    // 20 live agents chattering: frames per second on the dashboard while their events stream in.
    orch(live, 'start');
    await until(async () => (await page.locator('[data-testid="active"] tbody tr').count()) >= agents, 120_000);
    await page.waitForTimeout(2000);
    const fps = (await page.evaluate(`new Promise((res) => {
      let frames = 0, worst = 0, last = performance.now();
      const start = last;
      const tick = (t) => {
        frames++;
        worst = Math.max(worst, t - last);
        last = t;
        if (t - start < 5000) requestAnimationFrame(tick);
        else res({ fps: (frames * 1000) / (t - start), worstMs: worst });
      };
      requestAnimationFrame(tick);
    })`)) as { fps: number; worstMs: number };
    const activity = await page.locator('[data-testid="active"] td.activity').first().innerText();
    console.log(`dashboard with ${agents} live agents (${agents * 20} output lines/s): ${fps.fps.toFixed(1)} fps over 5 s, longest frame ${fps.worstMs.toFixed(0)} ms (activity: "${activity.slice(0, 40)}")`);
    orch(live, 'stop');
  } finally {
    await browser.close();
    spawnSync(process.execPath, [orchBin, 'daemon', 'stop'], { cwd: join(base, 'live'), env });
    rmSync(base, { recursive: true, force: true });
  }
}

await main();
