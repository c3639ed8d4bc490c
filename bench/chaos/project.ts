// Chaos suite, part 2: the project under test (a temp repo driven through the real CLI) and the forge it targets.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../src/agents/index.js';
import { trust } from '../../src/config/trust.js';
import type { PlanTask } from './plan.js';

export const rootDir = ((): string => {
  // This file runs from bench/chaos/ (vitest) and from dist/bench/chaos/ (built): walk up to the package.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'orch.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('chaos: cannot find bin/orch.js above this file');
    dir = up;
  }
  return dir;
})();
const orchBin = join(rootDir, 'bin', 'orch.js');
const fakeClaude = join(rootDir, 'test', 'fixtures', 'fake-claude.mjs');

export interface Exec {
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command without blocking this process (the GitHub test server may live in it). */
export const exec = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Exec> =>
  new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', (e) => {
      clearTimeout(timer);
      done({ status: null, stdout, stderr: stderr + String(e), timedOut });
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr, timedOut });
    });
  });

export interface Project {
  base: string;
  repo: string;
  env: NodeJS.ProcessEnv;
  agentLog: string;
  worktreesRoot: string;
  orch: (args: string[], timeoutMs?: number) => Promise<Exec>;
  git: (args: string[], cwd?: string) => Promise<string>;
}

/** A forge the suite targets; one instance per project (round). */
export interface ChaosForge {
  name: string;
  /** The branch that receives the merges. */
  target: string;
  /** Before the first commit: lines for `.orch/config.toml` and environment for the CLI. */
  prepare(base: string): Promise<{ config: string; env: Record<string, string> }>;
  /** After the first commit: for example create the bare origin and push. */
  attach(p: Project): Promise<void>;
  /** A ref in the project's repository holding the target as the forge has it now (fetched when remote). */
  targetRef(p: Project): Promise<string>;
  /** Reads a file on the target as the forge has it. */
  show(p: Project, path: string): Promise<string>;
  /** Forge-side invariants (no duplicate PRs, remote branches deleted ...). Each string is one violation. */
  check(p: Project, plan: readonly PlanTask[]): Promise<string[]>;
  /**
   * Holds the next "open a pull request" call so the daemon can be killed between push and PR create; resolves
   * true once a call is held, false when none came within `ms`. Absent when the forge has no pull requests.
   */
  holdNextPr?(ms: number): Promise<boolean>;
  teardown(p: Project): Promise<void>;
}

export function localForge(): ChaosForge {
  return {
    name: 'local',
    target: 'main',
    prepare: async () => ({ config: '', env: {} }),
    attach: async () => undefined,
    targetRef: async () => 'refs/heads/main',
    show: (p, path) => p.git(['show', `refs/heads/main:${path}`]),
    check: async () => [],
    teardown: async () => undefined,
  };
}

export async function createProject(files: Record<string, string>, forge: ChaosForge, maxParallel: number): Promise<Project> {
  const base = mkdtempSync(join(tmpdir(), 'orch-chaos-'));
  const repo = join(base, 'repo');
  const bin = join(base, 'bin');
  mkdirSync(repo, { recursive: true });
  mkdirSync(bin, { recursive: true });
  symlinkSync(fakeClaude, join(bin, 'claude'));
  // The fake agent's log, outside its worktree: the user config below lets the sandbox show it (local agents' and
  // those of the cluster's workers, whose own config does the same for this directory).
  const agentLog = join(base, 'agent', 'agent.log');
  mkdirSync(dirname(agentLog), { recursive: true });
  mkdirSync(join(base, 'config', 'orch'), { recursive: true });
  writeFileSync(join(base, 'config', 'orch', 'config.toml'), `[sandbox]\nwritable = [${JSON.stringify(dirname(agentLog))}]\n`);
  const prepared = await forge.prepare(base);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${join(rootDir, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    HOME: join(base, 'home'),
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_STATE_HOME: join(base, 'state'),
    XDG_DATA_HOME: join(base, 'data'),
    FAKE_CLAUDE_LOG: agentLog,
    GIT_AUTHOR_NAME: 'Chaos',
    GIT_AUTHOR_EMAIL: 'chaos@example.com',
    GIT_COMMITTER_NAME: 'Chaos',
    GIT_COMMITTER_EMAIL: 'chaos@example.com',
    NO_COLOR: '1',
    ...prepared.env,
  };
  delete env.GH_TOKEN;
  for (const name of ['GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN']) if (!prepared.env[name]) delete env[name];
  const all = { ...files, '.orch/config.toml': `max_parallel_agents = ${maxParallel}\n\n[agent]\npass_env = ["FAKE_CLAUDE_*"]\n${prepared.config}` };
  for (const [p, c] of Object.entries(all)) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    writeFileSync(join(repo, p), c);
  }
  // The suite's project config (pass_env, forge) is the user's decision, recorded as `orch trust` would.
  trust(join(base, 'config', 'orch'), join(realpathSync(repo), '.orch', 'config.toml'), all['.orch/config.toml']);
  const git = async (args: string[], cwd = repo): Promise<string> => {
    const r = await exec('git', args, cwd, env, 60_000);
    if (r.status !== 0) throw new Error(`Command failed with exit code ${String(r.status)}: git ${args.join(' ')}\n${r.stderr.slice(-500)}`);
    return r.stdout;
  };
  await git(['init', '-q', '-b', forge.target]);
  await git(['config', 'commit.gpgsign', 'false']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'plan']);
  const p: Project = {
    base,
    repo,
    env,
    agentLog,
    worktreesRoot: join(base, 'data', 'orch', 'worktrees'),
    orch: (args, timeoutMs = 60_000) => exec(process.execPath, [orchBin, ...args], repo, env, timeoutMs),
    git,
  };
  await forge.attach(p);
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

export const procCwd = (pid: number): string | undefined => {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
};

export const procEnviron = (pid: number): string[] => {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
};

/** Live processes (not zombies) that belong to this project: agents with a run id, or anything in its state dir. */
export function ourProcesses(p: Project): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const env = procEnviron(pid);
    const run = env.some((v) => v.startsWith('ORCH_RUN_ID='));
    const mine = env.some((v) => v.includes(p.base));
    if (mine && (run || env.includes(`XDG_STATE_HOME=${p.env.XDG_STATE_HOME ?? ''}`)) && isAlive(pid)) found.push(pid);
  }
  return found;
}
