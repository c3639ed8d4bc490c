import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createPaths } from '../../src/paths/index.js';
import type { Step } from '../../src/simulator/types.js';
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

/** The simulated model server as its own process (the test process stays free), with named scenarios. */
export async function startModel(dir: string, scenarios: Record<string, Step[]>): Promise<{ url: string; close: () => void }> {
  const file = join(dir, 'scenarios.json');
  writeFileSync(file, JSON.stringify({ scenarios }));
  const child: ChildProcess = spawn(process.execPath, [join(repoRootDir, 'dist/src/simulator/main.js'), '--port', '0', '--scenario', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`simulator exited with ${String(c)}`)));
  });
  return { url: url.trim(), close: () => child.kill() };
}
