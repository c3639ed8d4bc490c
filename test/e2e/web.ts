import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createPaths } from '../../src/paths/index.js';
import { repoRootDir, type Sandbox } from '../harness.js';

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
