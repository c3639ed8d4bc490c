import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createPaths, type ProjectPaths } from '../paths/index.js';
import { connect, createClient, findDaemon, type Client } from '../client/index.js';
import { CliError, Exit } from './errors.js';
import type { GlobalOptions } from './lazy.js';

export { CliError, Exit } from './errors.js';
export type { GlobalOptions } from './lazy.js';

/** The project's root: the top of the git checkout that holds `--root` (default: the current directory). */
export function projectRoot(opts: GlobalOptions): string {
  const start = resolve(opts.root ?? process.cwd());
  // PERF: find the checkout by its `.git` (a directory, or a file in a worktree) instead of spawning git on
  // every command; git decides only in the unusual layouts (GIT_DIR set, nothing found).
  if (process.env.GIT_DIR === undefined) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, '.git'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: start, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    throw new CliError(`${start} is not inside a git repository; run orch in your project's checkout or pass --root <dir>`, Exit.input);
  }
}

export function projectPaths(opts: GlobalOptions): ProjectPaths {
  return createPaths(process.env).project(projectRoot(opts));
}

/** A client of this project's daemon, starting the daemon when `start` and none answers. */
export async function client(opts: GlobalOptions, start = true): Promise<Client> {
  const paths = projectPaths(opts);
  try {
    return await connect({
      root: paths.root,
      daemonFile: paths.daemonFile,
      daemonLog: paths.daemonLog,
      start,
      // Fail fast with the file, key and line rather than as a daemon that would not start. A running daemon
      // has read its config already, so the check (and its TOML, YAML and zod) is only paid before a start.
      beforeStart: async () => {
        const { loadConfig } = await import('../config/index.js');
        const loaded = loadConfig({ paths: createPaths(process.env), root: paths.root });
        if (!loaded.ok) throw new CliError(loaded.error.message, Exit.input);
      },
    });
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message, Exit.daemon);
  }
}

export async function runningClient(opts: GlobalOptions): Promise<Client | undefined> {
  const paths = projectPaths(opts);
  const info = await findDaemon(paths.daemonFile);
  return info ? createClient(info) : undefined;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
