import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createPaths, type ProjectPaths } from '../paths/index.js';
import { connect, findClient, type Client } from '../client/index.js';
import { CliError, Exit } from './errors.js';
import type { GlobalOptions } from './lazy.js';
import { drift, fingerprint } from '../config/drift.js';
import type { DaemonState, ReloadResult } from '../api/index.js';
import { errPaint, out } from './io.js';

export { CliError, Exit } from './errors.js';
export type { GlobalOptions } from './lazy.js';

/** The project's root: the top of the git checkout that holds `--root` (default: the current directory). */
export function projectRoot(opts: GlobalOptions): string {
  const start = resolve(opts.root ?? process.cwd());
  if (!existsSync(start)) throw new CliError(`${start} does not exist; pass -C <dir> with your project's checkout`, Exit.input);
  if (!statSync(start).isDirectory()) throw new CliError(`${start} is not a directory; pass -C <dir> with your project's checkout`, Exit.input);
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
    throw new CliError(`${start} is not inside a git repository; run orch in your project's checkout or pass -C <dir>`, Exit.input);
  }
}

export function projectPaths(opts: GlobalOptions): ProjectPaths {
  return createPaths(process.env).project(projectRoot(opts));
}

const warn = errPaint(33);

/** Loads the config as the daemon will: a problem exits 2 with file:line; unknown keys are warned about with did-you-mean. */
export async function checkConfig(root: string): Promise<void> {
  const paths = createPaths(process.env);
  // PERF: with neither config file there is nothing to check (the defaults are valid), so TOML, YAML and zod stay
  // unloaded on the way to a fresh project's first answer (issue 12). The daemon reads the same two files.
  if (!existsSync(paths.userConfigFile) && !existsSync(paths.project(root).projectConfigFile)) return;
  const { loadConfig, formatWarning } = await import('../config/index.js');
  const loaded = loadConfig({ paths, root });
  if (!loaded.ok) throw new CliError(loaded.error.message, Exit.input);
  warnConfig(loaded.warnings.map(formatWarning));
}

/** The config's warnings (`file:line: unknown key "x" is ignored; did you mean "y"?`), on stderr. */
export function warnConfig(lines: readonly string[]): void {
  for (const l of lines) process.stderr.write(`${warn('warning:')} ${l}\n`);
}

/**
 * A client of this project's daemon. `start`: start one when none answers; `'read'`: start one that serves reads
 * and resumes no agent (list, show, next, questions, logs) until a command asks for work.
 */
export async function client(opts: GlobalOptions, start: boolean | 'read' = true): Promise<Client> {
  const paths = projectPaths(opts);
  let c: Client;
  /** The config was checked (and its warnings said) before this command started the daemon. */
  let checked = false;
  try {
    c = await connect({
      root: paths.root,
      daemonFile: paths.daemonFile,
      daemonLog: paths.daemonLog,
      start: start !== false,
      readOnly: start === 'read',
      // Fail fast with the file, key and line rather than as a daemon that would not start. A running daemon
      // has read its config already, so the check (and its TOML, YAML and zod) is only paid before a start.
      beforeStart: () => {
        checked = true;
        return checkConfig(paths.root);
      },
    });
  } catch (e) {
    if (e instanceof CliError) throw e;
    // The daemon refused the project or its config (a detached HEAD with no branch to merge into): bad input.
    const refused = e instanceof Error && e.name === 'ClientError' && (e as { code?: string }).code === 'daemon_refused';
    throw new CliError((e as Error).message, refused ? Exit.input : Exit.daemon);
  }
  await checkDrift(c, paths.root, checked).catch((e: unknown) => {
    if (e instanceof CliError) throw e;
  });
  return c;
}

/**
 * The daemon keeps the environment and config it started with: said when this shell or the config files differ
 * (hashes, so no secret crosses the API). Limits are reloaded in place; the rest needs `orch daemon restart`.
 */
async function checkDrift(c: Client, root: string, checked: boolean): Promise<void> {
  // PERF: the health answer that found the daemon carried its state: one round trip less for every command.
  const state = c.state ?? (await c.get<DaemonState>('/api/daemon'));
  const all = createPaths(process.env);
  const mine = fingerprint(process.env, [all.userConfigFile, all.project(root).projectConfigFile]);
  const diff = drift(state.fingerprint, mine);
  const notes: string[] = [];
  // Unknown keys are said by every command, as long as they are in the files (the daemon's load, or this one's below).
  if (diff.config.length === 0 && !checked) warnConfig(state.configWarnings ?? []);
  if (state.configError) {
    // The daemon watches its config files and already found this edit unusable: it runs on with the config it had.
    process.stderr.write(`${warn('warning:')} the daemon keeps the config it had: ${state.configError}\n`);
  } else if (diff.config.length > 0) {
    // The config changed under the daemon: check it here (file:line, unknown keys), then let the daemon reload.
    await checkConfig(root);
    const r = await c.post<ReloadResult>('/api/reload', {});
    if (r.applied.length > 0) process.stderr.write(`config reloaded by the daemon: ${r.applied.join(', ')}\n`);
    if (r.restart.length > 0) notes.push(`config (${r.restart.slice(0, 4).join(', ')}${r.restart.length > 4 ? ', ...' : ''})`);
  }
  if (diff.env.length > 0) notes.unshift(diff.env.slice(0, 4).join(', ') + (diff.env.length > 4 ? ', ...' : ''));
  if (notes.length > 0) {
    process.stderr.write(`${warn('warning:')} the daemon runs with an older ${notes.join(' and an older ')}: \`orch daemon restart\` starts it with yours\n`);
  }
}

/** The daemon if one answers, without starting one. */
export async function runningClient(opts: GlobalOptions): Promise<Client | undefined> {
  const paths = projectPaths(opts);
  return findClient(paths.daemonFile);
}

export function printJson(value: unknown): void {
  out(`${JSON.stringify(value, null, 2)}\n`);
}
