import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../src/simulator/types.js';
import { epic, until, type Sandbox } from '../harness.js';
import { showTask } from './runs.js';
import { daemonInfo, startWebSuite, type WebSuite } from './web.js';

const write = (path: string, content: string) => ({ name: 'Write', input: { file_path: `{{cwd}}/${path}`, content } });
const scenarios: Record<string, Step[]> = {
  // What the reviewer asked for, played when the comment reaches the agent's session.
  fix: [{ text: 'Adding the check.', tools: [write('src/refund.ts', 'export const refund = (cents: number): boolean => cents > 0;\n')] }, { text: 'Done: added refund.ts' }],
  // Slow enough to be stopped and paused while it runs; a resumed session plays it again from its first prompt.
  slow: [{ text: 'Working.', delayMs: 6000, tools: [write('slow.txt', 'slow\n')] }, { text: 'Done: wrote slow.txt' }],
  // The first request of the conversation is refused (the run fails); the retry's request goes through.
  flaky: [{ text: 'Working.', httpError: { status: 400, message: 'scripted bad request', times: 1 }, tools: [write('flaky.txt', 'ok\n')] }, { text: 'Done: wrote flaky.txt' }],
};

type Seqs = { last: number; applied: number; dropped: number; gaps: number };

/** The page's actions (send back, stop, pause, resume, retry) and its event stream across a drop, in real Chromium. */
describe('web page actions in Chromium', () => {
  let suite: WebSuite;
  let sb: Sandbox;
  let page: Page;
  let problems: string[] = [];
  let shot: (name: string) => Promise<void>;
  const base = () => suite.base();
  const status = async (task: string) => (await showTask(sb, task)).task.status;
  const runs = async (task: string) => (await showTask(sb, task)).runs;
  const seqs = async (): Promise<Seqs> =>
    page.getByTestId('connection').evaluate((el) => {
      const d = (el as unknown as { dataset: Record<string, string> }).dataset;
      return { last: Number(d.last), applied: Number(d.applied), dropped: Number(d.dropped), gaps: Number(d.gaps) };
    });

  beforeAll(async () => {
    suite = await startWebSuite(
      {
        '.orch/config.toml': 'max_parallel_agents = 4\n\n[agent]\nanswer_wait_seconds = 0\nmax_retries = 0\n',
        'docs/plans/pay-module/epic-01-charge.md': epic('Charge cards', 'Charge a card.', { 'src/pay.ts': 'export function charge(cents: number): boolean {\n  return cents > 0;\n}\n' }, 'needs_review: true'),
        'docs/plans/ctl-module/epic-01-slow.md': '# Slow work\n\nTake your time. [[scenario:slow]]\n',
        'docs/plans/flaky-module/epic-01-flaky.md': '# Flaky work\n\nFails once. [[scenario:flaky]]\n',
        'docs/plans/feed-module/epic-01-feed.md': epic('Feed', 'Something to merge.', { 'src/feed.ts': 'export const feed = 1;\n' }),
        'docs/plans/late-module/epic-01-after.md': epic('After a restart', 'Something to merge after the daemon restarted.', { 'src/after.ts': 'export const after = 2;\n' }),
      },
      scenarios,
    );
    ({ sb, page, problems, shot } = suite);
  }, 120_000);

  afterAll(async () => {
    await suite?.close();
  }, 120_000);

  it('a flagged change sent back with a comment resumes its session, comes back with the fix and merges', async () => {
    expect((await sb.orchAsync('start', 'pay/E01')).status).toBe(0);
    const first = await until(async () => (await runs('pay/E01')).find((r) => r.state === 'waiting' && r.sessionId), 'the change to wait for review', 90_000);
    await page.goto(`${base()}/#/reviews/pay/E01`);
    await page.locator('[data-testid="file-tree"]', { hasText: 'pay.ts' }).waitFor();
    await page.getByLabel('comment').fill('Add a refund as well. [[scenario:fix]]');
    await page.getByRole('button', { name: 'Send back to the agent' }).click();
    // The same run, the same session, back in review with the fix: the page shows the new file without a reload.
    await page.locator('[data-testid="file-tree"]', { hasText: 'refund.ts' }).waitFor({ timeout: 90_000 });
    await page.locator('[data-testid="reasons"]', { hasText: 'needs_review: true' }).waitFor();
    await shot('review-sent-back');
    const back = await runs('pay/E01');
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ id: first.id, sessionId: first.sessionId, state: 'waiting' });
    await page.getByRole('button', { name: 'Approve and merge' }).click();
    await until(async () => (await status('pay/E01')) === 'complete', 'the approved change to merge', 60_000);
    expect(sb.git('show', 'main:src/refund.ts')).toContain('export const refund');
    expect(sb.git('show', 'main:src/pay.ts')).toContain('export function charge');
  }, 200_000);

  it('stop, start again, pause and resume from the task page, in the same session, to merged', async () => {
    await page.goto(`${base()}/#/task/ctl/E01`);
    await page.getByRole('button', { name: 'Start' }).click();
    const run = await until(async () => (await runs('ctl/E01')).find((r) => r.state === 'running' && r.sessionId), 'the agent to run', 60_000);
    await page.getByRole('button', { name: 'Stop' }).click();
    await until(async () => (await runs('ctl/E01')).find((r) => r.id === run.id && r.state === 'stopped'), 'the run to stop', 60_000);
    await until(async () => (await status('ctl/E01')) === 'not_started', 'the stopped task to be startable', 30_000);
    // Started again: a new run that continues the stopped one's session.
    await page.getByRole('button', { name: 'Start' }).click();
    const again = await until(async () => (await runs('ctl/E01')).find((r) => r.id !== run.id && r.state === 'running'), 'the second run', 60_000);
    await page.locator('tr', { hasText: again.id }).getByRole('button', { name: 'Pause' }).click();
    await until(async () => (await runs('ctl/E01')).find((r) => r.id === again.id && r.state === 'waiting'), 'the run to pause', 60_000);
    await page.locator('tr', { hasText: again.id }).getByRole('button', { name: 'Resume…' }).click();
    await shot('task-resume');
    await page.getByRole('button', { name: 'Resume with guidance' }).click();
    await until(async () => (await status('ctl/E01')) === 'complete', 'the resumed run to merge', 90_000);
    const done = (await runs('ctl/E01')).find((r) => r.id === again.id);
    expect(done).toMatchObject({ state: 'done', sessionId: run.sessionId });
    expect(sb.git('show', 'main:slow.txt')).toBe('slow\n');
  }, 200_000);

  it('a failed task is retried from the dashboard and merges', async () => {
    expect((await sb.orchAsync('start', 'flaky/E01')).status).toBe(0);
    await until(async () => (await status('flaky/E01')) === 'failed', 'the task to fail', 60_000);
    await page.goto(`${base()}/#/dashboard`);
    const row = page.locator('tr', { hasText: 'flaky/E01' }).filter({ has: page.getByRole('button', { name: 'Retry' }) });
    await row.getByRole('button', { name: 'Retry' }).click();
    await until(async () => (await status('flaky/E01')) === 'complete', 'the retried task to merge', 90_000);
    expect(sb.git('show', 'main:flaky.txt')).toBe('ok\n');
    expect((await runs('flaky/E01')).map((r) => r.state).sort()).toEqual(['done', 'failed']);
  }, 200_000);

  it('after the event stream drops, the dashboard catches up with every event once', async () => {
    await page.goto(`${base()}/#/dashboard`);
    await page.waitForSelector('[data-testid="connection"].on');
    await until(async () => (await seqs()).last > 0, 'an event on the page', 30_000);
    const before = await seqs();
    await page.context().setOffline(true);
    await page.locator('[data-testid="connection"]:not(.on)').waitFor({ timeout: 30_000 });
    // Work happens while the page is away.
    expect((await sb.orchAsync('start', 'feed/E01')).status).toBe(0);
    await until(async () => (await status('feed/E01')) === 'complete', 'the task to merge while the page is offline', 90_000);
    await page.context().setOffline(false);
    await page.locator('[data-testid="count-complete"]', { hasText: /^4$/ }).waitFor({ timeout: 60_000 });
    const after = await seqs();
    expect(after.last).toBeGreaterThan(before.last + 3);
    expect(after.gaps).toBe(0);
    // Every seq from the page's first to its last applied exactly once.
    const feed = await page.locator('[data-testid="feed"] tr').evaluateAll((rows) => rows.map((r) => Number((r as unknown as { dataset: Record<string, string> }).dataset.seq)));
    expect(feed.some((s) => s > before.last)).toBe(true);
    for (let i = 1; i < feed.length; i++) expect(feed[i - 1]! - feed[i]!).toBe(1);
    expect(problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  }, 200_000);

  it('after the daemon restarts, the page reconnects by itself, still logged in, and follows from where it was', async () => {
    await page.goto(`${base()}/#/dashboard`);
    await page.waitForSelector('[data-testid="connection"].on');
    const complete = Number(await page.getByTestId('count-complete').innerText());
    // The page has applied an event of its own (a sync) to resume after.
    expect((await sb.orchAsync('sync')).status).toBe(0);
    await until(async () => (await seqs()).last > 0, 'an event on the page', 30_000);
    const before = await seqs();
    const port = daemonInfo(sb).port;
    expect((await sb.orchAsync('daemon', 'stop')).status).toBe(0);
    await page.locator('[data-testid="connection"]:not(.on)').waitFor({ timeout: 30_000 });
    await page.getByText('reconnecting', { exact: true }).waitFor();
    expect((await sb.orchAsync('daemon', 'start')).status).toBe(0);
    // The same address (the port it had), the same session cookie: live again with no login and no reload.
    expect(daemonInfo(sb).port).toBe(port);
    await page.waitForSelector('[data-testid="connection"].on', { timeout: 30_000 });
    await page.getByText('live', { exact: true }).waitFor();
    expect((await suite.ctx.request.get(`${base()}/api/status`)).status()).toBe(200);
    expect((await sb.orchAsync('start', 'late/E01')).status).toBe(0);
    await until(async () => (await status('late/E01')) === 'complete', 'the task to merge after the restart', 90_000);
    await page.locator('[data-testid="count-complete"]', { hasText: new RegExp(`^${complete + 1}$`) }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="active"] tr[data-task="late/E01"]').count()).toBe(0);
    const after = await seqs();
    expect(after.last).toBeGreaterThan(before.last + 3);
    expect(after.gaps).toBe(0);
    const feed = await page.locator('[data-testid="feed"] tr').evaluateAll((rows) => rows.map((r) => Number((r as unknown as { dataset: Record<string, string> }).dataset.seq)));
    expect(feed).toContain(before.last + 1);
    for (let i = 1; i < feed.length; i++) expect(feed[i - 1]! - feed[i]!).toBe(1);
    expect(await page.locator('[data-testid="login"]').count()).toBe(0);
    expect(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/.test(p))).toEqual([]);
  }, 200_000);
});
