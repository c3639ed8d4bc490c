import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { showTask } from './runs.js';
import { startWebSuite, type WebSuite } from './web.js';

const MACHINE = hostname().toLowerCase();

/** How far the page scrolls sideways: 0 when everything fits the window. */
const sideways = (page: Page): Promise<number> => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

/** Who can use the page: a phone-width screen, the keyboard alone, and a browser elsewhere over TLS. */
describe('web page access in Chromium', () => {
  let suite: WebSuite;
  let sb: Sandbox;
  let other: Sandbox | undefined;
  let page: Page;
  const base = () => suite.base();
  const paused = async (): Promise<boolean> => (JSON.parse((await sb.orchAsync('status', '--json')).stdout) as { paused: boolean }).paused;

  beforeAll(async () => {
    suite = await startWebSuite(
      {
        '.orch/config.toml': 'max_parallel_agents = 2\n',
        'docs/plans/pay-module/epic-01-charge.md': epic('Charge cards', 'Charge a card.', { 'src/pay.ts': 'export function charge(cents: number): boolean {\n  return cents > 0; // a long line that a phone cannot show whole, so the diff scrolls inside its own box\n}\n' }, 'needs_review: true'),
        'docs/plans/pay-module/epic-02-refund.md': '# Refund cards\n\nAfter charging.\n',
      },
      {},
      // A browser on another machine reaches the daemon by this machine's name (mapped here, whatever DNS says).
      [`--host-resolver-rules=MAP ${MACHINE} 127.0.0.1`],
    );
    ({ sb, page } = suite);
    expect((await sb.orchAsync('start', 'pay/E01')).status).toBe(0);
    await until(async () => (await showTask(sb, 'pay/E01')).runs[0]?.state === 'waiting', 'the change to wait for review', 90_000);
  }, 200_000);

  afterAll(async () => {
    other?.cleanup();
    await suite?.close();
  }, 120_000);

  it('at phone width no page scrolls sideways; wide tables and diffs scroll in their own box', async () => {
    const run = (await showTask(sb, 'pay/E01')).runs[0]!;
    await page.setViewportSize({ width: 390, height: 800 });
    try {
      const views: Array<[string, string]> = [
        ['dashboard', '[data-testid="active"] tr[data-task="pay/E01"]'],
        ['reviews/pay/E01', '[data-testid="diff-code"] .tok-keyword'],
        ['task/pay/E01', '[data-testid="task-title"]'],
        [`logs/${run.id}`, '[data-testid="log-lines"] .ll'],
        ['logs', `[data-testid="recent-runs"] tr[data-run="${run.id}"]`],
        ['projects', '[data-testid="projects"] tr'],
        ['history', '.u-title'],
        ['graph', '[data-testid="graph"] g.node'],
      ];
      for (const [view, ready] of views) {
        await page.goto(`${base()}/#/${view}`);
        await page.locator(ready).first().waitFor();
        expect({ view, sideways: await sideways(page) }).toEqual({ view, sideways: 0 });
      }
      // The review's actions are on screen without scrolling sideways.
      await page.goto(`${base()}/#/reviews/pay/E01`);
      const approve = page.getByRole('button', { name: 'Approve and merge' });
      const box = await approve.boundingBox();
      expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    } finally {
      await page.setViewportSize({ width: 1360, height: 860 });
    }
  }, 200_000);

  it('works from the keyboard: Tab reaches the pages and the tasks of the graph, arrows pan it, Enter opens a task', async () => {
    await page.goto(`${base()}/#/graph`);
    await page.locator('[data-testid="graph"] g.node').first().waitFor();
    // pay/E01 waits for review: the title counts it.
    expect(await page.title()).toBe('(1) Graph · Orch');
    expect(await page.locator('nav a[aria-current="page"]').innerText()).toBe('Graph');
    // What has focus: `a`, `svg:graph`, `g:<task id>`.
    const focused = () =>
      page.evaluate<string>(`(() => {
        const e = document.activeElement;
        if (!e) return '';
        const task = e.getAttribute('data-task');
        const graph = (e.getAttribute('aria-label') || '').startsWith('dependency graph');
        return e.tagName.toLowerCase() + (task ? ':' + task : '') + (graph ? ':graph' : '');
      })()`);
    // Tab from the top of the page until the graph has focus, then on to a task.
    const seen: string[] = [];
    for (let i = 0; i < 30 && !seen.includes('svg:graph'); i++) {
      await page.keyboard.press('Tab');
      seen.push(await focused());
    }
    expect(seen).toContain('a');
    expect(seen.at(-1)).toBe('svg:graph');
    const before = await page.locator('[data-testid="graph"] g.world').getAttribute('style');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('[data-testid="graph"] g.world').getAttribute('style')).not.toBe(before);
    await page.keyboard.press('0');
    await page.keyboard.press('Tab');
    expect(await focused()).toMatch(/^g:pay\/E0[12]$/);
    const id = (await focused()).slice(2);
    const outline = await page.evaluate<string>("getComputedStyle(document.activeElement.querySelector('rect')).strokeWidth");
    expect(outline).toBe('3px');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('task-title').innerText().catch(() => '')).toMatch(new RegExp(`^${id}`));
    expect(await page.title()).toBe(`(1) ${id} · Orch`);
  }, 120_000);

  it('bound beyond loopback with TLS: --print-url gives the network link, the cookie is Secure, actions work, a foreign Origin is refused, Switch follows the network link', async () => {
    const key = join(sb.base, 'key.pem');
    const cert = join(sb.base, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${MACHINE}`], { stdio: 'ignore' });
    // The user's config (tests append [sandbox] keys at its end): the daemon on every address, over TLS.
    const userFile = join(sb.base, 'config', 'orch', 'config.toml');
    const text = readFileSync(userFile, 'utf8');
    writeFileSync(userFile, `[daemon]\nhost = "0.0.0.0"\ntls_cert = ${JSON.stringify(cert)}\ntls_key = ${JSON.stringify(key)}\n\n${text}`);
    expect((await sb.orchAsync('daemon', 'stop')).status).toBe(0);
    const printed = await sb.orchAsync('open', '--print-url');
    expect(printed.status).toBe(0);
    const link = printed.stdout.trim();
    expect(link).toMatch(new RegExp(`^https://${MACHINE.replace(/[.]/g, '\\.')}:\\d+/login\\?t=[\\w-]+$`));
    const remote = new URL(link).origin;
    const ctx = await suite.browser.browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const p = await ctx.newPage();
      const problems: string[] = [];
      p.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
      p.on('dialog', (d) => void d.accept());
      await p.goto(link);
      await p.waitForSelector('[data-testid="connection"].on');
      const cookie = (await ctx.cookies()).find((c) => c.name.startsWith('orch_'));
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
      // A state-changing action from the page (its Origin is https://<machine>:<port>) goes through.
      await p.getByRole('button', { name: 'Pause all' }).click();
      await p.getByRole('button', { name: 'Resume all' }).waitFor();
      expect(await paused()).toBe(true);
      await p.getByRole('button', { name: 'Resume all' }).click();
      await p.getByRole('button', { name: 'Pause all' }).waitFor();
      // The same request with another page's Origin, the cookie attached, changes nothing.
      const foreign = await ctx.request.post(`${remote}/api/pause`, { data: {}, headers: { origin: `http://${MACHINE}:1` } });
      expect(foreign.status()).toBe(403);
      expect(await paused()).toBe(false);
      // Another project of this user, its daemon on the network too (the same user config): Switch follows its network link.
      other = sandbox({ 'docs/plans/web-module/epic-01-site.md': '# Site\n\nA page.\n' }, { env: { XDG_STATE_HOME: sb.env.XDG_STATE_HOME, XDG_CONFIG_HOME: sb.env.XDG_CONFIG_HOME } });
      const otherLink = (await other.orchAsync('open', '--print-url')).stdout.trim();
      const otherOrigin = new URL(otherLink).origin;
      expect(otherOrigin).not.toBe(remote);
      await p.goto(`${remote}/#/projects`);
      await p.locator('[data-testid="projects"] tr', { hasText: other.repo }).getByRole('button', { name: 'Switch' }).click();
      await p.waitForURL(`${otherOrigin}/`);
      await p.waitForSelector('[data-testid="connection"].on');
      await p.locator('header', { hasText: 'repo' }).waitFor();
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
