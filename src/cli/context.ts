import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createPaths, type ProjectPaths } from '../paths/index.js';
import { connect, findDaemon, type Client } from '../client/index.js';
import { loadConfig } from '../config/index.js';

export interface GlobalOptions {
  root?: string;
  json?: boolean;
}

/** Exit codes: 0 ok, 1 work failed, 2 bad input (usage, plan, config), 3 daemon unavailable, 130 interrupted. */
export const Exit = { ok: 0, failed: 1, input: 2, daemon: 3, interrupted: 130 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The project's root: the top of the git checkout that holds `--root` (default: the current directory). */
export function projectRoot(opts: GlobalOptions): string {
  const start = resolve(opts.root ?? process.cwd());
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: start, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    throw new CliError(`${start} is not inside a git repository; run orch in your project's checkout or pass --root <dir>`, Exit.input);
  }
}

export function projectPaths(opts: GlobalOptions): ProjectPaths {
  return createPaths(process.env).project(projectRoot(opts));
}

export async function client(opts: GlobalOptions, start = true): Promise<Client> {
  const paths = projectPaths(opts);
  // Fail fast with the file, key and line rather than as a daemon that would not start.
  const loaded = loadConfig({ paths: createPaths(process.env), root: paths.root });
  if (!loaded.ok) throw new CliError(loaded.error.message, Exit.input);
  try {
    return await connect({ root: paths.root, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, start });
  } catch (e) {
    throw new CliError((e as Error).message, Exit.daemon);
  }
}

export async function runningClient(opts: GlobalOptions): Promise<Client | undefined> {
  const paths = projectPaths(opts);
  const info = await findDaemon(paths.daemonFile);
  return info ? connect({ root: paths.root, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, start: false }) : undefined;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
