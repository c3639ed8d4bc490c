import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bin/orch.js of this checkout (from src/cluster/testing or dist/src/cluster/testing). */
const orchBin = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../../bin/orch.js' : '../../../bin/orch.js', import.meta.url));

export interface WorkerProc {
  name: string;
  dir: string;
  child: ChildProcess;
  /** Everything it printed to stderr so far. */
  log: () => string;
  ready: Promise<void>;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/**
 * `orch worker` as its own process, in a directory and config home of its own (the worker's user config passes
 * FAKE_CLAUDE_* through, as a project's would).
 */
export function startWorkerProc(o: { base: string; name: string; redis: string; repos: string[]; env: NodeJS.ProcessEnv; jobs?: number; labels?: string; lockMs?: number }): WorkerProc {
  const dir = join(o.base, `worker-${o.name}`);
  const config = join(dir, 'config');
  mkdirSync(join(config, 'orch'), { recursive: true });
  // The fake agent's log is outside its worktree: the worker's user config lets the sandbox show it (as a local test's).
  writeFileSync(join(config, 'orch', 'config.toml'), `[agent]\npass_env = ["FAKE_CLAUDE_*"]\n\n[sandbox]\nwritable = [${JSON.stringify(join(o.base, 'agent'))}]\n`);
  const args = [orchBin, 'worker', '--redis', o.redis, '--name', o.name, '--jobs', String(o.jobs ?? 1), '--dir', join(dir, 'work'), '--agents', 'claude'];
  for (const r of o.repos) args.push('--repo', r);
  if (o.labels) args.push('--labels', o.labels);
  const child = spawn(process.execPath, args, {
    env: { ...o.env, XDG_CONFIG_HOME: config, XDG_DATA_HOME: join(dir, 'data'), ...(o.lockMs ? { ORCH_WORKER_LOCK_MS: String(o.lockMs) } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) resolve();
    });
    child.once('exit', (c) => reject(new Error(`worker ${o.name} exited with ${c}: ${out}`)));
  });
  ready.catch(() => undefined);
  return {
    name: o.name,
    dir,
    child,
    log: () => out,
    ready,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        try {
          process.kill(-(child.pid ?? 0), signal);
        } catch {
          resolve();
        }
      }),
  };
}
