import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePlan, type GeneratedPlan } from '../gen-plan.js';

/** The package root, from bench/lib/ (vitest) or dist/bench/lib/ (built). */
export const pkgRoot = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'orch.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find bin/orch.js above this file');
    dir = up;
  }
  return dir;
})();
export const orchBin = join(pkgRoot, 'bin', 'orch.js');
export const fixture = (name: string): string => join(pkgRoot, 'bench', 'fixtures', name);

export interface BenchProject {
  base: string;
  repo: string;
  env: NodeJS.ProcessEnv;
  plan: GeneratedPlan;
  git: (...args: string[]) => string;
  /** Runs `orch ...args` as a user does (a whole process); throws with its output unless it exits 0. */
  orch: (...args: string[]) => { ms: number; stdout: string };
  daemonPid: () => number | undefined;
  stateDir: string;
  cleanup: () => void;
}

export const gitIdentity = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };

/** A git repository with a generated plan of `modules` x `epicsPerModule` epics, in private XDG directories. */
export async function benchProject(modules: number, epicsPerModule: number, name = 'orch-bench-'): Promise<BenchProject> {
  const base = mkdtempSync(join(tmpdir(), name));
  const repo = join(base, 'repo');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...gitIdentity,
    HOME: join(base, 'home'),
    XDG_STATE_HOME: join(base, 'state'),
    XDG_DATA_HOME: join(base, 'data'),
    XDG_CONFIG_HOME: join(base, 'config'),
    NO_COLOR: '1',
  };
  const plan = await generatePlan(repo, { modules, epicsPerModule });
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'plan');
  const orch = (...args: string[]): { ms: number; stdout: string } => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [orchBin, ...args], { cwd: repo, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`orch ${args.join(' ')} exited ${r.status} ${r.signal ?? ""} ${r.error?.message ?? ""}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    return { ms, stdout: r.stdout };
  };
  const stateDir = join(base, 'state');
  const daemonPid = (): number | undefined => {
    const projects = join(stateDir, 'orch', 'projects');
    if (!existsSync(projects)) return undefined;
    for (const key of execFileSync('ls', [projects], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      try {
        return (JSON.parse(readFileSync(join(projects, key, 'daemon.json'), 'utf8')) as { pid: number }).pid;
      } catch {
        // no daemon file
      }
    }
    return undefined;
  };
  const cleanup = (): void => {
    spawnSync(process.execPath, [orchBin, 'daemon', 'stop'], { cwd: repo, env, encoding: 'utf8' });
    rmSync(base, { recursive: true, force: true });
  };
  return { base, repo, env, plan, git, orch, daemonPid, stateDir, cleanup };
}

/** Wall time of a whole process, in ms. */
export function timeProcess(cmd: string, args: readonly string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { ...o, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return ms;
}

/** `fn` once to warm up, then `n` samples. */
export function samples(n: number, fn: () => number, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) fn();
  return Array.from({ length: n }, fn);
}

/** Samples of several commands interleaved (a, b, c, a, b, c, ...), so load changes hit each alike. */
export function interleaved(n: number, fns: Record<string, () => number>, warmup = 1): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const k of Object.keys(fns)) out[k] = [];
  for (let i = 0; i < warmup + n; i++) {
    for (const [k, fn] of Object.entries(fns)) {
      const ms = fn();
      if (i >= warmup) out[k]!.push(ms);
    }
  }
  return out;
}
