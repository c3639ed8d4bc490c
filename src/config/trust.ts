import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isPlainObject } from './keys.js';

/**
 * A committed `.orch/config.toml` arrives with a clone: it is the repository's word, not the user's. It may shape
 * the work (plan folder, parallelism, review rules, budgets, which model) but not what runs outside an agent's
 * worktree, what leaves the machine or what the agents may hold: those keys need the user's own config or an
 * explicit `orch trust` of that very file (its content is pinned by hash, as editors trust a workspace).
 */

/** Keys (dotted, `*` = any one name) a project file may set without trust. Anything else needs trust. */
const PROJECT_SAFE: readonly string[] = [
  'target_branch',
  'plans_dir',
  'max_parallel_agents',
  'merge_strategy',
  'commit_template',
  'timezone',
  'agent',
  ...agentKeys('agent'),
  'agents',
  'agents.*',
  ...agentKeys('agents.*'),
  'roles',
  'roles.*',
  // The project's own build/test/lint: the same power an agent has in its worktree, nothing beyond it.
  'commands',
  'commands.*',
  'review',
  'review.*',
  'forge',
  'forge.kind',
  'forge.remote',
  'forge.label',
  'forge.max_fix_attempts',
  'forge.required_checks',
  'forge.check_poll_seconds',
  'forge.request_timeout_seconds',
  'writeback',
  'writeback.*',
  'daemon',
  'daemon.port',
  'budget',
  'budget.*',
  'sources',
  'sources.markdown',
  'sources.github',
  'sources.github.*',
  'sources.backlog',
  'sources.backlog.done_status',
  'sources.backlog.in_progress_status',
];

/**
 * Top-level tables only the user's own config may set, even in a project file the user trusts, with why: a clone
 * must not redirect them, and trusting a file for one key must not hand over these with it.
 */
export const USER_ONLY_WHY: Readonly<Record<string, string>> = {
  notify: 'it decides where news of the work goes and with which of your secrets',
  sandbox: 'it decides how the agents are contained (a repository must not turn that off, widen it or run its hooks in Orch\'s git calls)',
  cluster: 'it decides which machines and which Redis receive the project\'s code, prompts and credentials',
};
const USER_ONLY: readonly string[] = Object.keys(USER_ONLY_WHY);

/** Whether this key (as a path of names) belongs to the user's own config alone. */
export function userOnly(path: readonly string[]): boolean {
  return path.length > 0 && USER_ONLY.includes(path[0] ?? '');
}

function agentKeys(prefix: string): string[] {
  // Not here: command, args, env, pass_env (secrets to agents), permission_mode and allowed_tools (widen what an agent may do).
  return ['backend', 'model', 'system_prompt', 'disallowed_tools', 'max_turns', 'timeout_minutes', 'stuck_minutes', 'answer_wait_seconds', 'question_timeout', 'max_retries', 'max_test_failures'].map(
    (k) => `${prefix}.${k}`,
  );
}

const matches = (pattern: string, path: readonly string[]): boolean => {
  const p = pattern.split('.');
  return p.length === path.length && p.every((seg, i) => seg === '*' || seg === path[i]);
};

/** Whether a project file may set this key (as a path of names) on its own. */
export function projectMaySet(path: readonly string[]): boolean {
  return PROJECT_SAFE.some((p) => matches(p, path));
}

/**
 * The leaf keys of a project file that need trust, as paths. A table is walked only when the project may set the
 * table itself; a value (or table) under a key it may not set is reported once, at that key.
 */
export function keysNeedingTrust(raw: Record<string, unknown>, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(raw)) {
    const path = [...prefix, k];
    if (!projectMaySet(path)) out.push(path);
    else if (isPlainObject(v)) out.push(...keysNeedingTrust(v, path));
  }
  return out;
}

export const contentHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `<configDir>/trusted.json`: project config files the user trusts, each pinned to the hash of what they read. */
export const trustFile = (configDir: string): string => join(configDir, 'trusted.json');

type TrustStore = Record<string, string>;

function readStore(file: string): TrustStore {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isPlainObject(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

export type TrustState = 'trusted' | 'untrusted' | 'changed';

export function trustState(configDir: string, projectFile: string, text: string): TrustState {
  const pinned = readStore(trustFile(configDir))[projectFile];
  if (pinned === undefined) return 'untrusted';
  return pinned === contentHash(text) ? 'trusted' : 'changed';
}

/** Trusts this content of `projectFile` (a later change needs trusting again). */
export function trust(configDir: string, projectFile: string, text: string): void {
  const file = trustFile(configDir);
  const store = readStore(file);
  store[projectFile] = contentHash(text);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function untrust(configDir: string, projectFile: string): boolean {
  const file = trustFile(configDir);
  const store = readStore(file);
  if (!(projectFile in store)) return false;
  delete store[projectFile];
  writeFileSync(file, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  return true;
}
