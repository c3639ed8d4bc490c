import { isAbsolute, relative, resolve } from 'node:path';
import type { AgentEvent } from '../agents/index.js';
import { shellCommandOf, splitCommandLine, stripPrefixes, type Word } from './shell.js';

export type SafetyRule = 'push' | 'rewrite-history' | 'migration' | 'outside-worktree' | 'wrong-branch' | 'branch-missing' | 'git-tamper';

export interface Violation {
  rule: SafetyRule;
  detail: string;
  toolCallId?: string;
}

export interface CheckToolCallsOptions {
  /** Absolute path of the run's worktree. */
  worktree: string;
  /** Other absolute directories writes may go to (say, the temp directory). */
  allowedRoots?: readonly string[];
}

type ToolCall = Extract<AgentEvent, { type: 'tool_call' }>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const within = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

const DEVICES = /^\/dev\/(?:null|stdout|stderr|tty|fd\/\d+)$/;

// git's global options that take a value as the next word.
const GIT_VALUE_OPTIONS = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);

const gitSubcommand = (words: readonly string[]): { sub: string; args: string[] } | undefined => {
  if (!/(?:^|\/)git$/.test(words[0] ?? '')) return undefined;
  let i = 1;
  while (i < words.length && (words[i] ?? '').startsWith('-')) i += GIT_VALUE_OPTIONS.has(words[i] ?? '') ? 2 : 1;
  const sub = words[i];
  return sub === undefined ? undefined : { sub, args: words.slice(i + 1) };
};

const gitViolations = (words: readonly string[]): Array<Omit<Violation, 'toolCallId'>> => {
  const git = gitSubcommand(words);
  if (!git) return [];
  const { sub, args } = git;
  const line = words.join(' ');
  const has = (...flags: string[]) => args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
  const out: Array<Omit<Violation, 'toolCallId'>> = [];
  switch (sub) {
    // A push to a bare URL moves no remote-tracking ref, so the history check cannot see it afterwards: the call is
    // the only trace. send-pack and http-push are the plumbing under `git push`.
    case 'send-pack':
    case 'http-push':
      out.push({ rule: 'push', detail: line });
      break;
    case 'push':
      out.push({ rule: 'push', detail: line });
      if (has('--force', '-f', '--force-with-lease', '--force-if-includes', '--mirror', '--delete', '-d') || args.some((a) => /^\+/.test(a) || /^-[a-zA-Z]*f/.test(a))) {
        out.push({ rule: 'rewrite-history', detail: line });
      }
      break;
    case 'reset':
      if (has('--hard', '--keep', '--merge')) out.push({ rule: 'rewrite-history', detail: line });
      break;
    case 'rebase':
      if (!has('--abort', '--show-current-patch')) out.push({ rule: 'rewrite-history', detail: line });
      break;
    case 'commit':
      if (has('--amend', '--fixup', '--squash')) out.push({ rule: 'rewrite-history', detail: line });
      break;
    case 'filter-branch':
    case 'filter-repo':
    case 'update-ref':
    case 'replace':
      out.push({ rule: 'rewrite-history', detail: line });
      break;
    case 'branch':
      if (has('-f', '--force', '-D', '-M', '-C')) out.push({ rule: 'rewrite-history', detail: line });
      break;
    case 'checkout':
    case 'switch':
      if (has('-B', '-C', '--force-create')) out.push({ rule: 'rewrite-history', detail: line });
      break;
    default:
      break;
  }
  return out;
};

const MIGRATIONS: RegExp[] = [
  /\bprisma\s+(?:migrate\s+(?:deploy|reset|dev|resolve)|db\s+(?:push|execute|seed))\b/,
  /\b(?:rails|rake)\s+db:(?:migrate|rollback|reset|drop|create|setup|seed|schema:load|prepare)\b/,
  /\balembic\s+(?:\S+\s+)*?(?:upgrade|downgrade|stamp)\b/,
  /\bknex\s+(?:\S+\s+)*?migrate:(?:latest|up|down|rollback)\b/,
  /\bsequelize(?:-cli)?\s+db:(?:migrate|seed|drop|create)/,
  /\bflyway\b.*\b(?:migrate|clean|repair|baseline)\b/,
  /\bmanage\.py\s+(?:migrate|flush)\b/,
  /\bdrizzle-kit\s+(?:push|migrate)\b/,
  /\btypeorm(?:-ts-node-\w+)?\s+(?:\S+\s+)*?(?:migration:run|migration:revert|schema:sync|schema:drop)\b/,
  /\b(?:dbmate|goose)\s+(?:\S+\s+)*?(?:up|down|migrate|drop|reset)\b/,
  /\bmigrate\s+(?:\S+\s+)*?-database\b.*\b(?:up|down|drop|force)\b/,
  /\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:db:)?migrat/,
];
const SQL_CLIENT = /^(?:\S*\/)?(?:psql|mysql|mariadb|sqlcmd|cockroach|mongosh)$/;
const SQL_WRITE = /\b(?:ALTER|DROP|CREATE|TRUNCATE|DELETE|INSERT|UPDATE|GRANT|REVOKE)\b/i;

const migrationViolation = (words: readonly Word[]): Omit<Violation, 'toolCallId'> | undefined => {
  const texts = words.map((w) => w.text);
  const line = texts.join(' ');
  if (MIGRATIONS.some((re) => re.test(line))) return { rule: 'migration', detail: line };
  if (SQL_CLIENT.test(texts[0] ?? '') && (texts.some((t, i) => i > 0 && SQL_WRITE.test(t)) || texts.some((t) => t === '-f' || t.startsWith('--file')))) {
    return { rule: 'migration', detail: line };
  }
  return undefined;
};

// Commands whose plain arguments are paths they create, change or remove.
const WRITES_ALL_ARGS = new Set(['touch', 'mkdir', 'rm', 'rmdir', 'tee', 'truncate', 'chmod', 'chown', 'shred', 'unlink']);
const WRITES_LAST_ARG = new Set(['cp', 'mv', 'ln', 'install', 'rsync']);

const writeTargets = (words: readonly Word[]): string[] => {
  const targets: string[] = [];
  for (let i = 0; i < words.length; i++) if (words[i]?.redirect && words[i + 1]) targets.push(words[i + 1]?.text ?? '');
  const plain = words.filter((w, i) => !w.redirect && !words[i - 1]?.redirect).map((w) => w.text);
  const cmd = (plain[0] ?? '').replace(/^.*\//, '');
  const args = plain.slice(1).filter((a) => !a.startsWith('-'));
  // chmod/chown: the first argument is the mode or owner.
  if (cmd === 'chmod' || cmd === 'chown') targets.push(...args.slice(1));
  else if (WRITES_ALL_ARGS.has(cmd)) targets.push(...args);
  else if (WRITES_LAST_ARG.has(cmd) && args.length >= 2) targets.push(args.at(-1) ?? '');
  else if (cmd === 'sed' && plain.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'))) targets.push(...args.slice(1));
  return targets.filter((t) => t !== '' && !t.startsWith('&'));
};

const outsideShell = (command: string, worktree: string, allowed: readonly string[]): Array<Omit<Violation, 'toolCallId'>> => {
  const out: Array<Omit<Violation, 'toolCallId'>> = [];
  // `cd` carries over to the following commands of the line; `~` and `$VAR` cannot be resolved, so they count as elsewhere.
  let cwd: string | undefined = worktree;
  for (const raw of splitCommandLine(command)) {
    const words = stripPrefixes(raw);
    const first = words[0]?.text;
    if (first === 'cd' || first === 'pushd') {
      const dir = words[1]?.text;
      cwd = dir === undefined || /^[~$]/.test(dir) ? undefined : cwd === undefined && !isAbsolute(dir) ? undefined : resolve(cwd ?? '/', dir);
      continue;
    }
    for (const target of writeTargets(words)) {
      if (DEVICES.test(target)) continue;
      const abs = /^[~$]/.test(target) ? undefined : isAbsolute(target) ? target : cwd === undefined ? undefined : resolve(cwd, target);
      if (abs !== undefined && [worktree, ...allowed].some((root) => within(root, abs))) continue;
      out.push({ rule: 'outside-worktree', detail: `${words.map((w) => (w.redirect ? '>' : w.text)).join(' ')} (writes ${abs ?? target})` });
      break;
    }
  }
  return out;
};

/** Tools that write files: Claude Write/Edit/MultiEdit/NotebookEdit, Gemini write_file/replace, OpenCode write/edit/patch, Goose text_editor. */
const WRITE_TOOL = /write|edit|replace|patch|create_file|file_change|text_editor|notebook/i;
const PATH_KEYS = ['file_path', 'filePath', 'path', 'notebook_path', 'absolute_path', 'target_file'] as const;

const writtenPaths = (call: ToolCall): string[] => {
  if (!WRITE_TOOL.test(call.name) || !isRecord(call.input)) return [];
  const input = call.input;
  // Goose's text_editor also reads (`view`).
  if (input.command === 'view') return [];
  const paths = PATH_KEYS.map((k) => input[k]).filter((p): p is string => typeof p === 'string');
  if (Array.isArray(input.changes)) for (const c of input.changes) if (isRecord(c) && typeof c.path === 'string') paths.push(c.path);
  if (Array.isArray(input.edits)) for (const c of input.edits) if (isRecord(c) && typeof c.file_path === 'string') paths.push(c.file_path);
  return paths;
};

/**
 * What the agent did that Orch forbids: pushing, rewriting history, running database migrations, writing outside its
 * worktree. Reads every backend's tool calls; shell parsing is best effort (no expansion, no scripts).
 */
export function checkToolCalls(events: readonly AgentEvent[], options: CheckToolCallsOptions): Violation[] {
  const worktree = resolve(options.worktree);
  const allowed = (options.allowedRoots ?? []).map((r) => resolve(r));
  const violations: Violation[] = [];
  for (const e of events) {
    if (e.type !== 'tool_call') continue;
    const found: Array<Omit<Violation, 'toolCallId'>> = [];
    const command = shellCommandOf(e);
    if (command !== undefined) {
      for (const raw of splitCommandLine(command)) {
        const words = stripPrefixes(raw);
        found.push(...gitViolations(words.filter((w) => !w.redirect).map((w) => w.text)));
        const migration = migrationViolation(words);
        if (migration) found.push(migration);
      }
      found.push(...outsideShell(command, worktree, allowed));
    }
    for (const p of writtenPaths(e)) {
      const abs = resolve(worktree, p);
      if (![worktree, ...allowed].some((root) => within(root, abs))) found.push({ rule: 'outside-worktree', detail: `${e.name} ${abs}` });
    }
    for (const v of found) violations.push({ ...v, ...(e.id ? { toolCallId: e.id } : {}) });
  }
  return violations;
}
