import { createServer, type Server } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlan } from '../../bench/gen-plan.js';
import type { Step } from '../../src/simulator/types.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { showTask } from './runs.js';
import { daemonInfo, startWebSuite, type WebSuite } from './web.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const write = (path: string, content: string) => ({ name: 'Write', input: { file_path: `{{cwd}}/${path}`, content } });
const scenarios: Record<string, Step[]> = {
  ask: [{ text: 'I need a decision.', tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Which currency should prices use?' } }] }, { text: 'Waiting for the answer.' }],
  answered: [{ text: 'Using the answer.', tools: [write('currency.txt', 'EUR\n')] }, { text: 'Done: wrote currency.txt' }],
};

/** The web page in real Chromium against a daemon that runs the real Claude Code on the simulated model. */
describe('web page in Chromium', () => {
  let suite: WebSuite;
  let sb: Sandbox;
  let big: Sandbox;
  let ctx: BrowserContext;
  let page: Page;
  let problems: string[] = [];
  let shot: (name: string) => Promise<void>;
  const base = () => suite.base();
  const status = async (task: string) => (await showTask(sb, task)).task.status;

  beforeAll(async () => {
    suite = await startWebSuite(
      {
        '.orch/config.toml': 'max_parallel_agents = 4\n\n[agent]\nanswer_wait_seconds = 0\n',
        'docs/plans/core-module/epic-01-alpha.md': epic('Alpha greeting', 'Write the greeting.', { 'src/alpha.ts': 'export const alpha = (name: string): string => `hello ${name}`;\n' }),
        'docs/plans/pay-module/epic-01-charge.md': epic('Charge cards', 'Charge a card.', { 'src/pay.ts': '// Charges a card.\nexport function charge(cents: number): boolean {\n  return cents > 0;\n}\n' }, 'needs_review: true'),
        'docs/plans/ask-module/epic-01-prices.md': '# Prices\n\nPick a currency. [[scenario:ask]]\n',
        'docs/plans/evil-module/epic-01-x.md': `# ${HOSTILE}\n\nA title that is markup.\n`,
      },
      scenarios,
    );
    ({ sb, ctx, page, problems, shot } = suite);
  }, 120_000);

  afterAll(async () => {
    await suite?.close();
    big?.cleanup();
  }, 200_000);

  it('the dashboard follows a task live as it runs and merges, without a reload', async () => {
    await page.goto(`${base()}/#/task/core/E01`);
    await page.evaluate(() => ((globalThis as unknown as { __same: number }).__same = 1));
    await page.getByRole('button', { name: 'Start' }).click();
    await page.goto(`${base()}/#/dashboard`);
    await page.locator('[data-testid="active"] tr[data-task="core/E01"]').waitFor({ timeout: 60_000 });
    await shot('dashboard');
    await page.locator('[data-testid="count-complete"]', { hasText: /^1$/ }).waitFor({ timeout: 90_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { __same?: number }).__same)).toBe(1);
    await expect.poll(() => status('core/E01')).toBe('complete');
    // Today's totals count the run (merged, its tokens and cost); the feed says what each event did.
    const today = (JSON.parse((await sb.orchAsync('status', '--json')).stdout) as { today: { merged: number; tokens: number } }).today;
    expect(today.merged).toBe(1);
    expect(today.tokens).toBeGreaterThan(0);
    await page.locator('[data-testid="today-merged"]', { hasText: /^1$/ }).waitFor();
    expect(await page.getByTestId('today-tokens').innerText()).toBe(`${(today.tokens / 1000).toFixed(1)}k`);
    await page.locator('[data-testid="feed"] tr', { hasText: 'merged as' }).first().waitFor();
    await page.locator('[data-testid="feed"] tr', { hasText: 'queued → preparing' }).first().waitFor();
    // Every persisted event applied once, none missed: the feed's seqs run without gaps.
    const seqs = await page.locator('[data-testid="feed"] tr').evaluateAll((rows) => rows.map((r) => Number((r as unknown as { dataset: Record<string, string> }).dataset.seq)));
    expect(seqs.length).toBeGreaterThan(3);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i - 1]! - seqs[i]!).toBe(1);
  }, 200_000);

  it('log search finds a line of the run', async () => {
    const run = (await showTask(sb, 'core/E01')).runs[0]!;
    // Logs with no run picked lists the recent runs; a click opens one.
    await page.goto(`${base()}/#/logs`);
    const row = page.locator(`[data-testid="recent-runs"] tr[data-run="${run.id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(0).innerText()).toBe('core/E01');
    await shot('logs-runs');
    await row.getByRole('link', { name: run.id }).click();
    await page.waitForURL(`${base()}/#/logs/${run.id}`);
    await page.locator('[data-testid="log-lines"] .ll').first().waitFor();
    await page.locator('[data-testid="log-lines"] summary', { hasText: '→ Write' }).first().waitFor();
    await shot('logs');
    await page.getByTestId('log-search').fill('export const alpha');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('[data-testid="log-results"] .ll').first().waitFor();
    // A hit's folded tool call opens in place; its own button shows the log around it.
    const hit = page.locator('[data-testid="log-results"] .hit').filter({ has: page.locator('summary', { hasText: 'Write' }) }).first();
    await hit.locator('summary').click();
    await hit.locator('pre', { hasText: 'export const alpha' }).waitFor();
    await shot('logs-search');
    await hit.getByRole('button', { name: 'show in log' }).click();
    await page.locator('[data-testid="log-lines"] .ll').first().waitFor();
    expect(await page.getByTestId('log-results').count()).toBe(0);
  }, 200_000);

  it('a flagged change is reviewed in the diff view and merged', async () => {
    expect((await sb.orchAsync('start', 'pay/E01')).status).toBe(0);
    await until(async () => (await showTask(sb, 'pay/E01')).runs[0]?.state === 'waiting', 'the change to wait for review', 90_000);
    await page.goto(`${base()}/#/reviews/pay/E01`);
    await page.locator('[data-testid="reasons"]', { hasText: 'needs_review: true' }).waitFor();
    // The nav says a change waits, and so does the tab's title (for a page in a background tab).
    await page.locator('[data-testid="badge-reviews"]', { hasText: /^1$/ }).waitFor();
    await expect.poll(() => page.title()).toBe('(1) Reviews · Orch');
    await page.locator('[data-testid="file-tree"]', { hasText: 'pay.ts' }).waitFor();
    const code = page.getByTestId('diff-code');
    await code.locator('.tok-keyword', { hasText: 'function' }).first().waitFor();
    await expect.poll(() => code.innerText()).toContain('return cents > 0;');
    await page.getByRole('button', { name: 'Split' }).click();
    await shot('review');
    await page.getByRole('button', { name: 'Unified' }).click();
    await page.getByRole('button', { name: 'Approve and merge' }).click();
    await until(async () => (await status('pay/E01')) === 'complete', 'the approved change to merge', 60_000);
    await page.getByTestId('badge-reviews').waitFor({ state: 'detached' });
    await expect.poll(() => page.title()).toBe('Reviews · Orch');
    expect(sb.git('show', 'main:src/pay.ts')).toContain('export function charge');
  }, 200_000);

  it("an agent's question is answered in the page and the run resumes to merged", async () => {
    expect((await sb.orchAsync('start', 'ask/E01')).status).toBe(0);
    try {
      await until(async () => (await showTask(sb, 'ask/E01')).runs[0]?.state === 'waiting', 'the question', 90_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${JSON.stringify(await showTask(sb, 'ask/E01'))}\n${(await sb.orchAsync('logs', 'ask/E01', '--json')).stdout.split('\n').filter((l) => l.includes('tool_use_id')).join('\n')}`);
    }
    await page.goto(`${base()}/#/questions`);
    const q = page.getByTestId('question').filter({ hasText: 'Which currency should prices use?' });
    await q.waitFor({ timeout: 90_000 });
    await shot('questions');
    // The dashboard lists the waiting run once, by its question (not again by its waiting reason).
    await page.goto(`${base()}/#/dashboard`);
    await page.locator('[data-testid="waiting"] tr[data-task="ask/E01"]', { hasText: 'Which currency should prices use?' }).waitFor();
    expect(await page.locator('[data-testid="waiting"] tr[data-task="ask/E01"]').count()).toBe(1);
    await page.goto(`${base()}/#/questions`);
    await q.getByRole('textbox').fill('EUR [[scenario:answered]]');
    await q.getByRole('button', { name: 'Answer' }).click();
    await until(async () => (await status('ask/E01')) === 'complete', 'the answered run to merge', 90_000);
    expect(sb.git('show', 'main:currency.txt')).toBe('EUR\n');
    await page.goto(`${base()}/#/history`);
    await page.locator('.u-title', { hasText: 'Tasks merged per day' }).waitFor();
    await shot('history');
  }, 200_000);

  it('a hostile task title stays text everywhere', async () => {
    for (const where of ['#/task/evil/E01', '#/dashboard', '#/graph']) {
      await page.goto(`${base()}/${where}`);
      // Shown as text on screen (the graph's find box also offers it, as a hidden <option>'s text).
      await page.getByText('onerror', { exact: false }).filter({ visible: true }).first().waitFor();
    }
    await page.goto(`${base()}/#/task/evil/E01`);
    await expect.poll(() => page.getByTestId('task-title').innerText()).toBe(`evil/E01 · ${HOSTILE}`);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { querySelectorAll: (s: string) => { length: number } } }).document.querySelectorAll('img').length)).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  }, 200_000);

  it('refuses a request without the cookie, and one from a foreign page that carries it', async () => {
    const fresh = await suite.browser.context();
    const res = await fresh.request.get(`${base()}/api/status`);
    expect(res.status()).toBe(401);
    await fresh.close();
    // Another local page (another port is another origin, but the same site: the cookie goes along).
    let seen = 0;
    const evil: Server = createServer((req, res) => {
      if (req.url === '/evil.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(`fetch(${JSON.stringify(`${base()}/api/pause`)}, { method: 'POST', credentials: 'include', mode: 'no-cors', body: '{}' }).finally(() => { document.title = 'sent'; });`);
        return;
      }
      if (req.url !== '/') return void res.writeHead(404).end();
      seen++;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><script src="/evil.js"></script>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const port = (evil.address() as { port: number }).port;
    const before = await ctx.request.get(`${base()}/api/status`, { headers: {} });
    expect(before.status()).toBe(200);
    const p2 = await ctx.newPage();
    await p2.goto(`http://127.0.0.1:${port}/`);
    await expect.poll(() => p2.title()).toBe('sent');
    await p2.close();
    evil.close();
    expect(seen).toBe(1);
    const st = (await (await ctx.request.get(`${base()}/api/status`)).json()) as { paused: boolean };
    expect(st.paused).toBe(false);
  }, 200_000);

  it('the graph lays out every task of a 300-task plan, and the projects page lists both daemons', async () => {
    big = sandbox({}, { env: { XDG_STATE_HOME: sb.env.XDG_STATE_HOME } });
    const plan = await generatePlan(big.repo, { modules: 10, epicsPerModule: 30, seed: 3 });
    expect(plan.tasks).toBe(300);
    big.commitAll('plan');
    await page.goto(`${base()}/#/projects`);
    const url = (await big.orchAsync('open', '--print-url')).stdout.trim();
    await page.reload();
    await page.locator('[data-testid="projects"] tr', { hasText: big.repo }).waitFor();
    await shot('projects');
    // Switching projects in the page: the other daemon's link, no new login by hand.
    await page.locator('[data-testid="projects"] tr', { hasText: big.repo }).getByRole('button', { name: 'Switch' }).click();
    await page.waitForURL(new RegExp(`^${daemonInfo(big).base}/`));
    expect(url).toMatch(/login\?t=/);
    await page.goto(`${daemonInfo(big).base}/#/graph`);
    await expect.poll(() => page.locator('[data-testid="graph"] g.node').count(), { timeout: 60_000 }).toBe(300);
    const info = await page.getByTestId('graph-info').innerText();
    expect(info).toMatch(/^300 tasks, \d+ dependencies, laid out in \d+ ms$/);
    // At "Fit" the tasks fill the box both ways (modules packed to its shape, long ones wrapped), each module named.
    await expect.poll(() => page.getByTestId('graph-label').count()).toBe(10);
    const used = await page.locator('[data-testid="graph"] g.node').evaluateAll((els) => {
      const r = els.map((e) => (e as unknown as { getBoundingClientRect: () => { left: number; right: number; top: number; bottom: number } }).getBoundingClientRect());
      return { w: Math.max(...r.map((x) => x.right)) - Math.min(...r.map((x) => x.left)), h: Math.max(...r.map((x) => x.bottom)) - Math.min(...r.map((x) => x.top)) };
    });
    const area = (await page.getByTestId('graph').boundingBox())!;
    expect(used.w / area.width, `${used.w} x ${used.h} of ${area.width} x ${area.height}`).toBeGreaterThan(0.5);
    expect(used.h / area.height, `${used.w} x ${used.h} of ${area.width} x ${area.height}`).toBeGreaterThan(0.5);
    await shot('graph');
    // Find a task: the module filter (set to another module) gives way, the view centres on it at zoom 1, outlined.
    const wanted = (await page.locator('[data-testid="graph"] g.node').nth(250).getAttribute('data-task'))!;
    const other = (await page.locator('[data-testid="graph"] g.node').nth(0).getAttribute('data-task'))!.split('/')[0]!;
    expect(other).not.toBe(wanted.split('/')[0]);
    await page.getByLabel('module filter').selectOption(other);
    await expect.poll(() => page.locator('[data-testid="graph"] g.node').count()).toBe(30);
    await page.getByTestId('graph-find').fill('nope/E99');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.locator('.notice.error', { hasText: 'no task nope/E99' }).waitFor();
    await page.getByTestId('graph-find').fill(wanted);
    await page.getByRole('button', { name: 'Find' }).click();
    const node = page.locator(`[data-testid="graph"] g.node.found[data-task="${wanted}"]`);
    await node.waitFor();
    const [g, n] = [await page.getByTestId('graph').boundingBox(), await node.boundingBox()];
    expect(Math.abs(n!.x + n!.width / 2 - (g!.x + g!.width / 2))).toBeLessThan(5);
    expect(Math.abs(n!.y + n!.height / 2 - (g!.y + g!.height / 2))).toBeLessThan(5);
    expect(n!.width).toBeGreaterThan(140);
    expect(await page.getByLabel('module filter').inputValue()).toBe('');
    await page.locator('[data-testid="graph"] g.node').first().dispatchEvent('click');
    await page.getByTestId('task-title').waitFor();
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  }, 200_000);
});
