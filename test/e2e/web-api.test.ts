import { request } from 'node:http';
import { join } from 'node:path';
import { writeFileSync, createWriteStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaths } from '../../src/paths/index.js';
import { epic, sandbox, type Sandbox } from '../harness.js';
import { showTask } from './runs.js';
import { daemonInfo, loginCookie } from './web.js';

/** fetch() sets Host itself; a rebinding attack's Host needs a raw request. */
const rawStatus = (port: number, path: string, headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });

/** The web page's endpoints, as the browser calls them (cookie, Origin) and with bad input. */
/** A GitHub token's shape, put together at run time (no token in this file for scanners to find). */
const LEAKED = ['ghp', 'abcdefghijklmnopqrstuvwxyz0123456789AB'].join('_');

describe('web API', () => {
  let sb: Sandbox;
  let other: Sandbox;
  let d: ReturnType<typeof daemonInfo>;
  let cookie: string;
  let runId: string;
  const admin = (path: string, init: RequestInit = {}) => fetch(d.base + path, { ...init, headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/json', ...init.headers } });
  const browser = (path: string, init: RequestInit = {}) => fetch(d.base + path, { ...init, headers: { cookie, origin: d.origin, 'content-type': 'application/json', ...init.headers } });
  const status = async () => (await (await admin('/api/status')).json()) as { paused: boolean; counts: Record<string, number> };

  beforeAll(async () => {
    sb = sandbox({
      'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'Write a.', { 'src/a.ts': 'export const a = 1;\n' }),
      'docs/plans/core-module/epic-02-b.md': epic('Beta', 'Write b.', { 'b.txt': 'b\n' }, 'depends_on: [core/E01]'),
      'docs/plans/keys-module/epic-01-k.md': epic('Key', 'Write the key.', { 'src/k.ts': `export const token = '${LEAKED}';\n` }),
    });
    const r = await sb.orchAsync('start', 'core/E01', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    runId = (await showTask(sb, 'core/E01')).runs[0]!.id;
    d = daemonInfo(sb);
    cookie = await loginCookie(sb);
  });
  afterAll(() => {
    if (process.env.ORCH_TEST_KEEP) console.log(sb.base);
    else sb?.cleanup();
    other?.cleanup();
  });

  it('serves the page with a CSP that allows no inline script, and no secret in it', async () => {
    const res = await fetch(`${d.base}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
    expect(html.replace(/<script[^>]*src=[^>]*><\/script>/g, '')).not.toMatch(/<script/);
    expect(html).not.toContain(d.token);
    expect((await fetch(`${d.base}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${d.base}/assets/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('a login link works once and gives an HttpOnly SameSite=Strict cookie; only the token holder makes one', async () => {
    const res = await admin('/api/login-link', { method: 'POST', body: '{}' });
    const { url } = (await res.json()) as { url: string };
    expect(url).toMatch(new RegExp(`^${d.base}/login\\?t=[\\w-]{20,}$`));
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('set-cookie')).toMatch(new RegExp(`^orch_${d.port}=[\\w-]+; Path=/; HttpOnly; SameSite=Strict`));
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${d.base}/login?t=forged`, { redirect: 'manual' })).status).toBe(401);
    // The used link again from a browser that holds a session (back, reload): to the page, no new cookie.
    const again = await fetch(url, { redirect: 'manual', headers: { cookie: first.headers.get('set-cookie')!.split(';')[0]! } });
    expect([again.status, again.headers.get('location'), again.headers.get('set-cookie')]).toEqual([303, '/', null]);
    expect((await fetch(url, { redirect: 'manual', headers: { cookie: `orch_${d.port}=forged` } })).status).toBe(401);
    // A browser session cannot mint links (a page script could otherwise hand one out).
    expect((await browser('/api/login-link', { method: 'POST', body: '{}' })).status).toBe(403);
  });

  it('refuses a request without the cookie, with a foreign Origin or Host, and changes nothing', async () => {
    expect((await fetch(`${d.base}/api/status`)).status).toBe(401);
    expect((await fetch(`${d.base}/api/status`, { headers: { cookie: `orch_${d.port}=forged` } })).status).toBe(401);
    expect((await browser('/api/status')).status).toBe(200);
    const foreign = await browser('/api/pause', { method: 'POST', body: '{}', headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toMatch(/evil\.example/);
    expect((await browser('/api/pause', { method: 'POST', body: '{}', headers: { origin: '' } })).status).toBe(403);
    // DNS rebinding: the right cookie through a name that is not this daemon's.
    expect(await rawStatus(d.port, '/api/status', { cookie, host: `evil.example:${d.port}` })).toBe(421);
    expect(await rawStatus(d.port, '/', { host: `evil.example:${d.port}` })).toBe(421);
    expect(await rawStatus(d.port, '/api/status', { cookie, host: `localhost:${d.port}` })).toBe(200);
    expect((await status()).paused).toBe(false);
    const ok = await browser('/api/pause', { method: 'POST', body: '{}' });
    expect(ok.status).toBe(200);
    expect((await status()).paused).toBe(true);
    expect((await browser('/api/resume', { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await status()).paused).toBe(false);
  });

  it('history aggregates the store; bad input is a 400', async () => {
    for (const q of ['days=0', 'days=x', 'days=1000', 'days=1.5']) {
      const res = await browser(`/api/history?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }
    const h = (await (await browser('/api/history?days=7')).json()) as {
      days: string[];
      merged: number[];
      byModule: Array<{ key: string; runs: number[] }>;
      rates: { runs: number; success: number };
      timePerTask: { count: number };
    };
    expect(h.days).toHaveLength(7);
    expect(h.days.at(-1)).toBe(new Date().toISOString().slice(0, 10));
    expect(h.merged.at(-1)).toBe(1);
    expect(h.byModule.map((s) => [s.key, s.runs.at(-1)])).toEqual([['core', 1]]);
    expect(h.rates).toMatchObject({ runs: 1, success: 1 });
    expect(h.timePerTask.count).toBe(1);
  });

  it('a secret the agent committed is not in the diff sent to the page', async () => {
    await sb.orchAsync('start', 'keys/E01', '--wait');
    const run = (await showTask(sb, 'keys/E01')).runs[0]!;
    const diff = (await (await admin(`/api/runs/${run.id}/diff`)).json()) as { head: string };
    expect(sb.git('show', `${diff.head}:src/k.ts`)).toContain(LEAKED);
    const text = await (await browser(`/api/runs/${run.id}/diff`)).text();
    expect(text).not.toContain(LEAKED);
    const k = (JSON.parse(text) as { files: Array<{ path: string; lines: Array<{ text: string }> }> }).files.find((f) => f.path === 'src/k.ts');
    expect(k?.lines[0]?.text).toBe("export const token = '[redacted]';");
  });

  it('a run diff is parsed per file; an unknown run is a 404', async () => {
    expect((await browser('/api/runs/nope/diff')).status).toBe(404);
    const diff = (await (await browser(`/api/runs/${runId}/diff`)).json()) as { files: Array<{ path: string; status: string; lines: Array<{ kind: string; text: string }> }> };
    const a = diff.files.find((f) => f.path === 'src/a.ts');
    expect(a).toMatchObject({ status: 'added' });
    expect(a?.lines).toContainEqual(expect.objectContaining({ kind: 'add', text: 'export const a = 1;' }));
  });

  it('lists the newest runs, newest first; a bad limit is a 400', async () => {
    for (const q of ['limit=0', 'limit=x', 'limit=501', 'limit=1.5']) {
      const res = await browser(`/api/runs?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('runs query: limit');
    }
    const runs = (await (await browser('/api/runs')).json()) as Array<{ id: string; taskId: string; state: string }>;
    expect(runs.find((r) => r.id === runId)).toMatchObject({ taskId: 'core/E01', state: 'done' });
    expect((await (await browser('/api/runs?limit=1')).json()) as unknown[]).toHaveLength(1);
  });

  it('the log is paged; bad queries are a 400; a 50 MB log is never sent whole', async () => {
    expect((await browser('/api/runs/nope/log/page')).status).toBe(404);
    for (const q of ['limit=0', 'limit=5000', 'after=-1', 'streams=bogus', 'after=0&before=10', 'q=' + 'x'.repeat(600)]) {
      expect((await browser(`/api/runs/${runId}/log/page?${q}`)).status, q).toBe(400);
    }
    const tail = (await (await browser(`/api/runs/${runId}/log/page?limit=500`)).json()) as { lines: Array<{ s: string; l: string; ev?: Array<{ type: string }> }>; live: boolean; backend: string };
    expect(tail).toMatchObject({ live: false, backend: 'claude' });
    expect(tail.lines.some((l) => l.s === 'orch')).toBe(true);
    expect(tail.lines.some((l) => l.ev?.some((e) => e.type === 'tool_call' || e.type === 'text'))).toBe(true);

    // A 50 MB log (the daemon's file for this run, grown): each answer stays small, search pages through it.
    const paths = createPaths(sb.env).project(sb.repo);
    const file = join(paths.logsDir, `${runId}.log`);
    const out = createWriteStream(file, { flags: 'a' });
    const line = `2026-12-03T10:00:00.000Z\terr\t${'noise '.repeat(100)}\n`;
    const block = line.repeat(1000);
    for (let written = 0; written < 50 * 1024 * 1024; written += block.length) if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
    await new Promise<void>((r) => out.end(() => r()));
    writeFileSync(file + '.marker', '');
    const big = await browser(`/api/runs/${runId}/log/page?limit=200`);
    const text = await big.text();
    expect(text.length).toBeLessThan(1024 * 1024);
    const page = JSON.parse(text) as { size: number; lines: unknown[]; more: boolean };
    expect(page.size).toBeGreaterThan(50 * 1024 * 1024);
    expect(page.lines).toHaveLength(200);
    expect(page.more).toBe(true);
    const search = (await (await browser(`/api/runs/${runId}/log/page?after=0&q=nothing-like-this&limit=10`)).json()) as { lines: unknown[]; more: boolean; end: number };
    expect(search.lines).toHaveLength(0);
    expect(search.more).toBe(true);
    expect(search.end).toBeLessThan(20 * 1024 * 1024);
  });

  it('lists the projects with a running daemon and switches to another without a new login', async () => {
    other = sandbox({ 'docs/plans/web-module/epic-01-x.md': epic('X', 'x', { 'x.txt': 'x' }) }, { env: { XDG_STATE_HOME: sb.env.XDG_STATE_HOME } });
    expect((await other.orchAsync('status')).status).toBe(0);
    const list = (await (await browser('/api/projects')).json()) as Array<{ key: string; current: boolean; counts: Record<string, number> | null }>;
    expect(list.map((p) => p.current)).toEqual([true, false]);
    expect(list[1]?.counts).toMatchObject({ not_started: 1 });
    expect((await browser('/api/projects/open', { method: 'POST', body: '{"key": 5}' })).status).toBe(400);
    expect((await browser('/api/projects/open', { method: 'POST', body: 'not json' })).status).toBe(400);
    expect((await browser('/api/projects/open', { method: 'POST', body: '{"key":"../../etc"}' })).status).toBe(404);
    expect((await browser('/api/projects/open', { method: 'POST', body: '{"key":"nobody-1234567890"}' })).status).toBe(404);
    const { url } = (await (await browser('/api/projects/open', { method: 'POST', body: JSON.stringify({ key: list[1]?.key }) })).json()) as { url: string };
    const o = daemonInfo(other);
    expect(url.startsWith(`${o.base}/login?t=`)).toBe(true);
    const login = await fetch(url, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const otherCookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(otherCookie.startsWith(`orch_${o.port}=`)).toBe(true);
    // Both sessions live side by side in one browser: cookies are per host, the names per port.
    const both = `${cookie}; ${otherCookie}`;
    expect((await fetch(`${o.base}/api/status`, { headers: { cookie: both } })).status).toBe(200);
    expect((await fetch(`${d.base}/api/status`, { headers: { cookie: both } })).status).toBe(200);
  });

  it('the event stream replays from Last-Event-ID without repeats', async () => {
    const read = async (headers: Record<string, string>, path = '/api/events?output=0'): Promise<number[]> => {
      const ac = new AbortController();
      const res = await fetch(d.base + path, { headers: { cookie, ...headers }, signal: ac.signal });
      const reader = res.body!.getReader();
      let text = '';
      const deadline = Date.now() + 1500;
      while (Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 300))]);
        if (!chunk || chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      ac.abort();
      return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    };
    const all = await read({}, '/api/events?output=0&since=0');
    expect(all.length).toBeGreaterThan(5);
    const mid = all[Math.floor(all.length / 2)]!;
    // The reconnecting browser sends Last-Event-ID with its first URL's since=0: the header wins.
    const replay = await read({ 'last-event-id': String(mid) }, '/api/events?output=0&since=0');
    expect(replay).toEqual(all.filter((s) => s > mid));
  });
});
