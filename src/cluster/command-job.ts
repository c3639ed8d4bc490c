import type { Contain } from '../agents/index.js';
import { loadTrustedProjectText } from '../config/index.js';
import { createRunner } from '../git/index.js';
import { runProjectCommand } from '../mcp/commands.js';
import type { createCheckouts } from './checkout.js';
import type { CommandJob, CommandJobResult, OutputEntry } from './jobs.js';

export interface WorkerCommandOptions {
  /** The commands' environment: the worker's own, sanitised by its own config (`[agent] env`, `pass_env`). */
  env: Record<string, string>;
  /** The worker's sandbox for one command in a job worktree of the repository cache `cache`; undefined = none. */
  contain?: (place: { worktree: string; cache: string }) => Contain | undefined;
  timeoutMs?: number;
}

export type Commands = 'build' | 'test' | 'lint';

/**
 * The argv of `commands.<kind>` in `.orch/config.toml` at `baseSha`, read from the cache with the project config
 * loader: the job says which kind, the repository says what it is (a worker trusts the repositories it serves).
 */
export async function commandAt(cache: string, baseSha: string, kind: Commands): Promise<{ ok: true; argv: string[] } | { ok: false; error: string }> {
  const git = createRunner();
  const file = `.orch/config.toml at ${baseSha.slice(0, 10)}`;
  const have = await git.run(['cat-file', '-e', `${baseSha}^{commit}`], { cwd: cache });
  if (have.exitCode !== 0) return { ok: false, error: `the run's start commit ${baseSha.slice(0, 10)} is not in the fetched history` };
  const shown = await git.run(['show', `${baseSha}:.orch/config.toml`], { cwd: cache });
  if (shown.exitCode !== 0) return { ok: true, argv: [] };
  const loaded = loadTrustedProjectText(file, shown.stdout);
  if (!loaded.ok) return { ok: false, error: loaded.error.message };
  return { ok: true, argv: [...loaded.config.commands[kind]] };
}

/** One build, test or lint job on a worker: a worktree of the snapshot, the repository's own command, its output streamed. */
export async function runCommandJob(j: CommandJob, o: {
  id: string;
  worker: string;
  attempt: number;
  checkouts: ReturnType<typeof createCheckouts>;
  push: (e: OutputEntry) => Promise<unknown>;
  signal: AbortSignal;
  commands: WorkerCommandOptions;
  /** Readies the job's worktree for the next job later: the answer does not wait for it. */
  cleanupLater: (run: () => Promise<void>) => void;
}): Promise<CommandJobResult> {
  const { cache, worktree } = await o.checkouts.prepare({ id: o.id, repoUrl: j.repoUrl, fetchRef: j.fetchRef, startSha: j.snapshotSha });
  try {
    await o.push({ k: 'start', worker: o.worker, attempt: o.attempt, worktree });
    const cmd = await commandAt(cache, j.baseSha, j.command);
    if (!cmd.ok) throw new Error(cmd.error);
    if (cmd.argv.length === 0) {
      return { worker: o.worker, configured: false, ok: false, text: `.orch/config.toml at ${j.baseSha.slice(0, 10)} sets no commands.${j.command}` };
    }
    let pending: Promise<unknown> = Promise.resolve();
    const box = o.commands.contain?.({ worktree, cache });
    const run = await runProjectCommand({
      kind: j.command,
      argv: cmd.argv,
      cwd: worktree,
      env: o.commands.env,
      signal: o.signal,
      ...(o.commands.timeoutMs ? { timeoutMs: o.commands.timeoutMs } : {}),
      ...(box ? { contain: box } : {}),
      onLine: (s, l) => {
        pending = o.push({ k: 'line', s, l });
      },
    });
    await pending;
    await o.push({ k: 'end' });
    return { worker: o.worker, configured: true, ok: run.ok, text: run.text, ...(run.result ? { result: run.result } : {}) };
  } finally {
    // PERF: cleaning the worktree for the next job is a git call; the agent is waiting for the answer, not for it.
    o.cleanupLater(() => o.checkouts.cleanup(cache, worktree));
  }
}
