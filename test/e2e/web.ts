import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createPaths } from '../../src/paths/index.js';
import type { Step } from '../../src/simulator/types.js';
import { repoRootDir, sandbox, type Sandbox } from '../harness.js';
import { launchBrowser } from './browser.js';
import { startModel } from './model.js';

export interface DaemonFile {
  pid: number;
  port: number;
  token: string;
}

/** The daemon file of the sandbox's project (the CLI's way in: the admin token). */
export function daemonInfo(sb: Sandbox): DaemonFile & { base: string; origin: string; key: string } {
  const paths = createPaths(sb.env).project(sb.repo);
  const info = JSON.parse(readFileSync(paths.daemonFile, 'utf8')) as DaemonFile;
  const base = `http://127.0.0.1:${info.port}`;
  return { ...info, base, origin: base, key: paths.key };
}

/** `orch open --print-url`, exchanged for the session cookie as a browser would; returns the Cookie header value. */
export async function loginCookie(sb: Sandbox): Promise<string> {
  const url = (await sb.orchAsync('open', '--print-url')).stdout.trim();
  const res = await fetch(url, { redirect: 'manual' });
  const set = res.headers.get('set-cookie') ?? '';
  if (res.status !== 303 || !set) throw new Error(`login failed: HTTP ${res.status} ${set}`);
  return set.split(';')[0] ?? '';
}

/**
 * A page that records console and page errors in `problems` and accepts every confirmation; `shot` refreshes a
 * screenshot in docs/web on request (ORCH_DOCS_SHOTS=1), never as a side effect of `npm test`.
 */
export async function watchedPage(ctx: BrowserContext): Promise<{ page: Page; problems: string[]; shot: (name: string) => Promise<void> }> {
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => void d.accept());
  const shot = async (name: string): Promise<void> => {
    if (process.env.ORCH_DOCS_SHOTS === '1') await page.screenshot({ path: join(repoRootDir, 'docs', 'web', `${name}.png`), fullPage: false });
  };
  return { page, problems, shot };
}

export interface WebSuite {
  sb: Sandbox;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  ctx: BrowserContext;
  page: Page;
  problems: string[];
  shot: (name: string) => Promise<void>;
  /** `http://127.0.0.1:<port>` of the sandbox's daemon, as its daemon file says now. */
  base: () => string;
  close: () => Promise<void>;
}

/**
 * The set-up of a browser suite: a project with `files` whose daemon runs the real Claude Code on the simulated model
 * (with `scenarios`), one Chromium for the whole file, and a page logged in through `orch open --print-url`.
 */
export async function startWebSuite(files: Record<string, string>, scenarios: Record<string, Step[]>, browserArgs: string[] = []): Promise<WebSuite> {
  const sb = sandbox(files, { realClaude: true });
  const model = await startModel({ scenarios, dir: sb.base });
  Object.assign(sb.env, { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CONFIG_DIR: join(sb.base, 'claude'), CLAUDE_CODE_MAX_RETRIES: '0' });
  const browser = await launchBrowser(browserArgs);
  const ctx = await browser.context();
  const { page, problems, shot } = await watchedPage(ctx);
  const url = (await sb.orchAsync('open', '--print-url')).stdout.trim();
  if (!/^http:\/\/127\.0\.0\.1:\d+\/login\?t=/.test(url)) throw new Error(`orch open --print-url printed ${JSON.stringify(url)}, not a login link`);
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection"].on');
  return {
    sb,
    browser,
    ctx,
    page,
    problems,
    shot,
    base: () => daemonInfo(sb).base,
    close: async () => {
      await browser.close();
      model.close();
      sb.cleanup();
    },
  };
}
