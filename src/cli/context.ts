import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPaths, type ProjectPaths } from '../paths/index.js';
import { connect, findDaemon, type Client } from '../client/index.js';
import { drift, fingerprint, formatWarning, loadConfig } from '../config/index.js';
import { DaemonState, ReloadResult } from '../api/index.js';
import { errColor } from './format.js';
import { out } from './io.js';

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
  if (!existsSync(start)) throw new CliError(`${start} does not exist; pass -C <dir> with your project's checkout`, Exit.input);
  if (!statSync(start).isDirectory()) throw new CliError(`${start} is not a directory; pass -C <dir> with your project's checkout`, Exit.input);
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: start, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    throw new CliError(`${start} is not inside a git repository; run orch in your project's checkout or pass -C <dir>`, Exit.input);
  }
}

export function projectPaths(opts: GlobalOptions): ProjectPaths {
  return createPaths(process.env).project(projectRoot(opts));
}

let warned = false;
/** Loads the config as the daemon will: problems exit 2 with file:line; unknown keys are said once per command. */
export function checkConfig(root: string): void {
  const loaded = loadConfig({ paths: createPaths(process.env), root });
  if (!loaded.ok) throw new CliError(loaded.error.message, Exit.input);
  if (warned) return;
  warned = true;
  for (const w of loaded.warnings) process.stderr.write(`${errColor.yellow('warning:')} ${formatWarning(w)}\n`);
}

/**
 * A client of this project's daemon. `start`: start one when none runs; `'read'`: start one that serves reads
 * without resuming agents or starting work (list, show, next, questions, logs), until a command asks for work.
 */
export async function client(opts: GlobalOptions, start: boolean | 'read' = true): Promise<Client> {
  const paths = projectPaths(opts);
  // Fail fast with the file, key and line rather than as a daemon that would not start.
  checkConfig(paths.root);
  let c: Client;
  try {
    c = await connect({ root: paths.root, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, start: start !== false, readOnly: start === 'read' });
  } catch (e) {
    throw new CliError((e as Error).message, Exit.daemon);
  }
  await checkDrift(c, paths.root).catch(() => undefined);
  return c;
}

/**
 * The daemon keeps the environment and config it started with. Said when this shell or the config files differ;
 * limits are reloaded in place, the rest needs `orch daemon restart`.
 */
async function checkDrift(c: Client, root: string): Promise<void> {
  const state = await c.get('/api/daemon', DaemonState);
  const all = createPaths(process.env);
  const loaded = loadConfig({ paths: all, root });
  const mine = fingerprint(process.env, [all.userConfigFile, all.project(root).projectConfigFile], loaded.ok ? loaded.config.agent.pass_env : []);
  const diff = drift(state.fingerprint, mine);
  const notes: string[] = [];
  if (diff.config.length > 0) {
    const r = await c.post('/api/reload', {}, ReloadResult);
    if (r.applied.length > 0) process.stderr.write(`${errColor.dim('config reloaded by the daemon:')} ${r.applied.join(', ')}\n`);
    if (r.restart.length > 0) notes.push(`config (${r.restart.slice(0, 4).join(', ')}${r.restart.length > 4 ? ', ...' : ''})`);
  }
  if (diff.env.length > 0) notes.unshift(diff.env.slice(0, 4).join(', ') + (diff.env.length > 4 ? ', ...' : ''));
  if (notes.length > 0) {
    process.stderr.write(`${errColor.yellow('warning:')} the daemon runs with an older ${notes.join(' and an older ')}: \`orch daemon restart\` starts it with yours\n`);
  }
}

export async function runningClient(opts: GlobalOptions): Promise<Client | undefined> {
  const paths = projectPaths(opts);
  const info = await findDaemon(paths.daemonFile);
  return info ? connect({ root: paths.root, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, start: false }) : undefined;
}

export function printJson(value: unknown): void {
  out(`${JSON.stringify(value, null, 2)}\n`);
}
