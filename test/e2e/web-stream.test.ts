import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until, type Sandbox } from '../harness.js';
import { daemonInfo, startWebSuite, type WebSuite } from './web.js';

type Stream = { last: number; applied: number; dropped: number; gaps: number; reloads: number };

/** The page's event stream after long absences, in real Chromium: more than a page of replay, and history the daemon no longer holds. */
describe('web page event stream in Chromium', () => {
  let suite: WebSuite;
  let sb: Sandbox;
  let page: Page;
  const stream = async (): Promise<Stream> =>
    page.getByTestId('connection').evaluate((el) => {
      const d = (el as unknown as { dataset: Record<string, string> }).dataset;
      return { last: Number(d.last), applied: Number(d.applied), dropped: Number(d.dropped), gaps: Number(d.gaps), reloads: Number(d.reloads) };
    });
  /** The daemon's API with the CLI's token. */
  const api = async <T>(path: string, method = 'GET'): Promise<T> => {
    const d = daemonInfo(sb);
    const res = await fetch(`${d.base}${path}`, { method, headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const latest = async (): Promise<number> => (await api<{ lastSeq: number }>('/api/status')).lastSeq;
  const oldest = async (): Promise<number> => (await api<{ firstSeq: number }>('/api/status')).firstSeq;
  /** At least `n` persisted events, each a real sync of the plan by the daemon (asked 10 at a time). */
  const syncs = async (n: number): Promise<void> => {
    const from = await latest();
    for (let i = 0; i < n; i += 10) await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => api('/api/sync', 'POST')));
    const to = await latest();
    expect(to - from).toBeGreaterThanOrEqual(n);
    // A sync asked for elsewhere meanwhile (the held snapshot's route runs one while the test's own is in flight)
    // counts too; anything other than syncs is a failure that names its type.
    if (to - from !== n) expect(await eventTypes(from, to)).toEqual(Array(to - from).fill('sync'));
  };
  /** The types of the persisted events after `from` up to `to`, read from the daemon's stream. */
  const eventTypes = async (from: number, to: number): Promise<string[]> => {
    const d = daemonInfo(sb);
    const ac = new AbortController();
    const res = await fetch(`${d.base}/api/events?since=${from}&output=0`, { headers: { authorization: `Bearer ${d.token}` }, signal: ac.signal });
    const types: string[] = [];
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      const frames = text.split('\n\n');
      text = frames.pop() ?? '';
      for (const f of frames) {
        const id = Number(/^id: (\d+)/m.exec(f)?.[1]);
        const type = /^event: (.+)$/m.exec(f)?.[1];
        if (!Number.isSafeInteger(id)) continue; // live-only events carry no id
        if (id > to) ac.abort();
        else if (type) types.push(type);
      }
      if (ac.signal.aborted || types.length >= to - from) break;
    }
    ac.abort();
    return types;
  };
  const feedSeqs = (): Promise<number[]> =>
    page.locator('[data-testid="feed"] tr').evaluateAll((rows) => rows.map((r) => Number((r as unknown as { dataset: Record<string, string> }).dataset.seq)));

  beforeAll(async () => {
    suite = await startWebSuite({ 'docs/plans/core-module/epic-01-alpha.md': '# Alpha\n\nNothing to run.\n' }, {});
    ({ sb, page } = suite);
    // An agent whose CLI is missing (the user's config names it): a task that asks for it is held back, with an event.
    const userFile = join(sb.base, 'config', 'orch', 'config.toml');
    writeFileSync(userFile, `[agents.gone]\nbackend = "claude"\ncommand = ${JSON.stringify(join(sb.base, 'no-such-claude'))}\n\n${readFileSync(userFile, 'utf8')}`);
    expect((await sb.orchAsync('daemon', 'stop')).status).toBe(0);
    expect((await sb.orchAsync('daemon', 'start')).status).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await suite?.close();
  }, 120_000);

  it('a status snapshot that comes back after newer events were applied is not lost history', async () => {
    await page.goto(`${suite.base()}/#/dashboard`);
    await page.waitForSelector('[data-testid="connection"].on');
    await syncs(1);
    await until(async () => (await stream()).last === (await latest()), 'the page to be caught up', 30_000);
    const before = await stream();
    // The next snapshot the page asks for is held until the page has applied an event newer than it.
    let held = false;
    await page.route('**/api/status', async (route) => {
      const res = await route.fetch();
      if (!held) {
        held = true;
        const seq = ((await res.json()) as { lastSeq: number }).lastSeq;
        await syncs(1);
        await until(async () => (await stream()).last > seq, 'the page to apply an event newer than its snapshot', 30_000);
      }
      await route.fulfill({ response: res });
    });
    try {
      await syncs(1);
      await until(async () => held && (await stream()).last === (await latest()), 'the held snapshot and the page caught up', 30_000);
      await syncs(1);
      await until(async () => (await stream()).last === (await latest()), 'the page to apply the event after the snapshot', 30_000);
    } finally {
      await page.unrouteAll({ behavior: 'wait' });
    }
    expect(await stream()).toMatchObject({ applied: before.applied + 3, dropped: 0, gaps: 0, reloads: 0 });
    expect(await page.getByTestId('notice').count()).toBe(0);
  }, 120_000);

  it('after missing more than 1,000 events, the page gets all of them (the daemon replays them a page at a time), each once', async () => {
    await page.goto(`${suite.base()}/#/dashboard`);
    await page.waitForSelector('[data-testid="connection"].on');
    await syncs(1);
    await until(async () => (await stream()).last === (await latest()), 'the page to apply the first event', 30_000);
    const before = await stream();
    await page.context().setOffline(true);
    await page.locator('[data-testid="connection"]:not(.on)').waitFor({ timeout: 30_000 });
    // 1,250 tasks started at once, each held back (its agent's CLI is missing) with one event: more than a replay page.
    const ids = Array.from({ length: 1_250 }, (_, i) => `gone${String(i).padStart(4, '0')}/E01`);
    for (const id of ids) sb.write(`docs/plans/${id.split('/')[0]!}-module/epic-01-held.md`, '---\nagent: gone\n---\n# Held\n\nIts agent is missing.\n');
    sb.commitAll('held tasks');
    expect((await sb.orchAsync('sync')).status).toBe(0);
    const from = await latest();
    // It exits 1: nothing could start (each task's agent is missing, as it says).
    const started = await sb.orchAsync('start', ...ids);
    await until(async () => (await latest()) - from >= 1_250, `1,250 events (orch start: ${started.stdout.slice(0, 300)} ${started.stderr.slice(0, 300)})`, 60_000);
    const target = await latest();
    await page.context().setOffline(false);
    await until(async () => (await stream()).last === target, `the page to reach seq ${target}`, 60_000);
    const after = await stream();
    expect(after).toEqual({ last: target, applied: before.applied + (target - before.last), dropped: 0, gaps: 0, reloads: 0 });
    expect(target - before.last).toBeGreaterThan(1_250);
    const feed = await feedSeqs();
    expect(feed[0]).toBe(target);
    for (let i = 1; i < feed.length; i++) expect(feed[i - 1]! - feed[i]!).toBe(1);
  }, 200_000);

  it('when the daemon no longer holds what the page missed, the page notices, says so and reloads its state', async () => {
    await page.goto(`${suite.base()}/#/dashboard`);
    await page.waitForSelector('[data-testid="connection"].on');
    await syncs(1);
    await until(async () => (await stream()).last === (await latest()), 'the page to be caught up', 30_000);
    const before = await stream();
    await page.context().setOffline(true);
    await page.locator('[data-testid="connection"]:not(.on)').waitFor({ timeout: 30_000 });
    // While the page is away: the held tasks gone from the plan, a new task in it, then enough events that the
    // ones saying so are dropped.
    sb.git('rm', '-rq', ...Array.from({ length: 1_250 }, (_, i) => `docs/plans/gone${String(i).padStart(4, '0')}-module`));
    sb.write('docs/plans/core-module/epic-02-beta.md', '# Beta\n\nAdded while the page was away.\n');
    sb.commitAll('beta');
    await syncs(150);
    // The daemon again, keeping the newest 100 events (it deletes the rest as it opens the store).
    const userFile = join(sb.base, 'config', 'orch', 'config.toml');
    writeFileSync(userFile, `[daemon]\nevents_kept = 100\n\n${readFileSync(userFile, 'utf8')}`);
    expect((await sb.orchAsync('daemon', 'stop')).status).toBe(0);
    expect((await sb.orchAsync('daemon', 'start')).status).toBe(0);
    // 150 syncs, and the daemon's stopping and starting: more than the 100 it keeps.
    const target = await latest();
    const lost = (await oldest()) - 1 - before.last;
    expect(lost).toBeGreaterThanOrEqual(50);
    await page.context().setOffline(false);
    await until(async () => (await stream()).last === target, `the page to reach seq ${target}`, 60_000);
    const after = await stream();
    expect(after).toMatchObject({ last: target, gaps: 1, reloads: 1, dropped: 0 });
    await page.getByTestId('notice').waitFor();
    expect(await page.getByTestId('notice').innerText()).toContain(`no longer holds the ${lost} events`);
    // The feed starts over after the hole: nothing from before it, every seq since once.
    const feed = await feedSeqs();
    expect(feed.at(-1)).toBe(target - 24);
    for (let i = 1; i < feed.length; i++) expect(feed[i - 1]! - feed[i]!).toBe(1);
    const counts = (await api<{ counts: { not_started: number } }>('/api/status')).counts;
    await page.locator('[data-testid="count-not_started"]', { hasText: new RegExp(`^${counts.not_started}$`) }).waitFor();
    await page.locator('[data-testid="queue"] tr', { hasText: 'core/E02' }).waitFor();
  }, 200_000);
});
