/**
 * Event-to-screen latency of the web dashboard in real Chromium against a real daemon: from the daemon writing an
 * event (its `ts`, the daemon's clock) to the dashboard's DOM showing it (a MutationObserver in the page sees its feed
 * row; same machine, same clock) and to the start of the frame that paints it (the next animation frame).
 *  - idle: the dashboard with nothing running;
 *  - busy: the same with N live agents each printing 20 lines a second (their output and usage stream to the page too).
 * Events: `POST /api/sync` (one persisted `sync` event each), one every 50-100 ms.
 * Usage: npm run build && node dist/bench/web-latency.js [events=200] [agents=20]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createPaths } from '../src/paths/index.js';
import { installChattyClaude } from './lib/chatty.js';
import { gitIdentity, orchBin } from './lib/project.js';

const events = Number(process.argv[2] ?? 200);
const agents = Number(process.argv[3] ?? 20);
const base = mkdtempSync(join(tmpdir(), 'orch-bench-latency-'));
const repo = join(base, 'repo');
const bin = join(base, 'bin');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...gitIdentity,
  PATH: `${bin}:${process.env.PATH ?? ''}`,
  HOME: join(base, 'home'),
  XDG_STATE_HOME: join(base, 'state'),
  XDG_DATA_HOME: join(base, 'data'),
  XDG_CONFIG_HOME: join(base, 'config'),
  NO_COLOR: '1',
};

const orch = (...args: string[]): string => {
  const r = spawnSync(process.execPath, [orchBin, ...args], { cwd: repo, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`orch ${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r.stdout.trim();
};

/** The page records, per feed row, when it entered the DOM and when the frame that paints it began (epoch ms). */
const OBSERVE = `(() => {
  window.__seen = {};
  const note = () => {
    const rows = document.querySelectorAll('[data-testid="feed"] tr[data-seq]');
    const now = Date.now();
    const fresh = [];
    for (const r of rows) {
      const seq = r.dataset.seq;
      if (!window.__seen[seq]) { window.__seen[seq] = { dom: now, frame: 0 }; fresh.push(seq); }
    }
    if (fresh.length) requestAnimationFrame(() => { const t = Date.now(); for (const s of fresh) window.__seen[s].frame = t; });
  };
  new MutationObserver(note).observe(document.body, { subtree: true, childList: true });
  note();
})()`;

/** The daemon's events as a second client of the stream reads them: seq -> ts (ms), type. */
function follow(url: string, token: string, since: number): { seen: Map<number, { ts: number; type: string }>; stop: () => void } {
  const seen = new Map<number, { ts: number; type: string }>();
  const abort = new AbortController();
  void (async () => {
    const res = await fetch(`${url}/api/events?since=${since}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = frame.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const e = JSON.parse(data.slice(6)) as { seq: number; ts: string; type: string };
        if (e.seq > 0) seen.set(e.seq, { ts: Date.parse(e.ts), type: e.type });
      }
    }
  })().catch(() => undefined);
  return { seen, stop: () => abort.abort() };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

async function phase(name: string, page: Page, daemon: { url: string; token: string }): Promise<void> {
  const status = (await (await fetch(`${daemon.url}/api/status`, { headers: { authorization: `Bearer ${daemon.token}` } })).json()) as { lastSeq: number };
  const stream = follow(daemon.url, daemon.token, status.lastSeq);
  const syncs: number[] = [];
  for (let i = 0; i < events; i++) {
    const res = await fetch(`${daemon.url}/api/sync`, { method: 'POST', headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' }, body: '{}' });
    if (!res.ok) throw new Error(`POST /api/sync: HTTP ${res.status} ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 50));
  }
  // Every sync event read by the second client and shown by the page (or 30 s).
  const deadline = Date.now() + 30_000;
  let seen: Record<string, { dom: number; frame: number }> = {};
  for (;;) {
    seen = (await page.evaluate('window.__seen')) as typeof seen;
    syncs.length = 0;
    for (const [seq, e] of stream.seen) if (e.type === 'sync') syncs.push(seq);
    if ((syncs.length >= events && syncs.every((s) => seen[s]?.frame)) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  stream.stop();
  const dom: number[] = [];
  const frame: number[] = [];
  let missing = 0;
  for (const seq of syncs) {
    const s = seen[seq];
    const ts = stream.seen.get(seq)!.ts;
    if (!s?.frame) {
      missing++;
      continue;
    }
    dom.push(s.dom - ts);
    frame.push(s.frame - ts);
  }
  const line = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(0)} ms, p90 ${pct(xs, 90).toFixed(0)} ms, p99 ${pct(xs, 99).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
  console.log(`${name}: ${syncs.length} events${missing ? ` (${missing} never shown)` : ''}`);
  console.log(`  event -> DOM:   ${line(dom)}`);
  console.log(`  event -> frame: ${line(frame)}`);
}

async function main(): Promise<void> {
  installChattyClaude(bin);
  mkdirSync(repo, { recursive: true });
  const files: Record<string, string> = {
    '.orch/config.toml': `max_parallel_agents = ${Math.max(1, agents)}\n\n[agent]\nstuck_minutes = 60\n`,
    ...Object.fromEntries(Array.from({ length: agents }, (_, i) => [`docs/plans/m${i}-module/epic-01-work.md`, `# Work ${i}\n\nKeep working.\n`])),
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    writeFileSync(join(repo, p), c);
  }
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'init']]) execFileSync('git', args, { cwd: repo, env, stdio: 'ignore' });

  const browser = await chromium.launch({
    executablePath: process.env.ORCH_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const url = orch('open', '--print-url');
    const info = JSON.parse(readFileSync(createPaths(env).project(repo).daemonFile, 'utf8')) as { port: number; token: string };
    const daemon = { url: `http://127.0.0.1:${info.port}`, token: info.token };
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();
    await page.goto(url);
    await page.waitForSelector('[data-testid="connection"].on');
    await page.waitForSelector('[data-testid="feed"]', { state: 'attached' });
    await page.evaluate(OBSERVE);
    await phase('idle dashboard', page, daemon);
    if (agents > 0) {
      orch('start');
      const deadline = Date.now() + 120_000;
      while ((await page.locator('[data-testid="active"] tbody tr').count()) < agents) {
        if (Date.now() > deadline) throw new Error(`${agents} agents did not all start`);
        await new Promise((r) => setTimeout(r, 200));
      }
      await phase(`dashboard with ${agents} live agents (${agents * 20} output lines/s)`, page, daemon);
      orch('stop');
    }
  } finally {
    await browser.close();
    spawnSync(process.execPath, [orchBin, 'daemon', 'stop'], { cwd: repo, env });
    rmSync(base, { recursive: true, force: true });
  }
}

await main();
