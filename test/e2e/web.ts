import { readFileSync } from 'node:fs';
import { createPaths } from '../../src/paths/index.js';
import type { Sandbox } from '../harness.js';

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
