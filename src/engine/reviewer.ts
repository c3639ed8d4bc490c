import type { AgentEvent, AgentOutcome } from '../agents/index.js';
import { categories, type Category, type Decision, type Reason } from '../review/index.js';
import type { RunRow, TaskRow } from '../store/index.js';
import { RUN_ENV_KEY, type ContainFor, type ResolvedAgent } from './ports.js';
import { oneShotTurn } from './one-shot.js';
import { lastVerdict } from './workflow/prompts.js';

/** What the reviewer agent answered, or why there is no answer. */
export interface ReviewerVerdict {
  agent: string;
  flag: boolean;
  category: Category;
  reasons: Reason[];
  /** Set when the reviewer gave no usable verdict; that counts as a flag ("when unsure, flag"). */
  problem?: string;
  usage?: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; costUsd: number };
}

export interface ReviewerOptions {
  /** The read-only reviewer agent; throws when it is not configured. */
  agent: () => ResolvedAgent;
  /** The reviewer's sandbox (it reads a change an agent wrote). */
  containFor?: ContainFor;
  timeoutMs: number;
  /** Characters of diff put in the prompt; the reviewer can read the rest in the worktree. */
  maxDiffChars?: number;
  log: (runId: string, line: string) => void;
  onEvent?: (runId: string, e: AgentEvent) => void;
  /** Daemon shutdown: the reviewer is ended and the review is decided again on the next start (not flagged). */
  signal?: AbortSignal;
}

const RANK: Record<Category, number> = { routine: 0, architecture: 1, migrations: 2, security: 3 };

export function reviewerPrompt(t: TaskRow, diff: string, decision: Decision, maxChars: number): string {
  const shown = diff.length > maxChars ? `${diff.slice(0, maxChars)}\n… (${diff.length - maxChars} more characters: read the files in this directory)` : diff;
  return [
    `You review a change another agent made for task ${t.id}: ${t.title}. The change is checked out in this directory. Read only: do not edit, create or delete any file, and do not run commands that change anything.`,
    '',
    'Decide whether a human must look at it before it merges. Flag it when it touches security (authentication, authorization, crypto, credentials, permissions, secrets), architecture (core modules, new or changed dependencies, public API), schema or data migrations, or when you are not sure it is correct and safe. Otherwise it is routine.',
    '',
    `The rule-based classifier said: ${decision.flagged ? 'flag' : 'routine'} (${decision.category})${decision.reasons.length ? `: ${decision.reasons.slice(0, 5).map((r) => `${r.file} ${r.detail}`).join('; ')}` : ''}.`,
    '',
    'The diff:',
    '````diff',
    shown,
    '````',
    '',
    'End your answer with exactly one line of JSON, nothing after it:',
    '{"verdict": "routine" | "flag", "category": "security" | "architecture" | "migrations" | "routine", "reasons": [{"file": "path", "line": 1, "detail": "why"}]}',
  ].join('\n');
}

const isCategory = (v: unknown): v is Category => typeof v === 'string' && (categories as readonly string[]).includes(v);

/** The last `{"verdict": ...}` JSON object in the reviewer's answer, validated; undefined when there is none. */
export function parseVerdict(text: string, agent: string): Omit<ReviewerVerdict, 'usage'> | undefined {
  const o = lastVerdict(text, ['routine', 'flag']);
  if (!o) return undefined;
  const category: Category = isCategory(o.category) ? o.category : 'routine';
  const reasons: Reason[] = (Array.isArray(o.reasons) ? o.reasons : []).slice(0, 20).flatMap((r: unknown): Reason[] => {
    if (typeof r !== 'object' || r === null) return [];
    const x = r as { file?: unknown; line?: unknown; detail?: unknown };
    const detail = typeof x.detail === 'string' ? x.detail.slice(0, 300) : '';
    if (!detail) return [];
    return [{ category, rule: `reviewer/${agent}`, file: typeof x.file === 'string' && x.file ? x.file : '(change)', ...(typeof x.line === 'number' && x.line > 0 ? { line: Math.floor(x.line) } : {}), detail }];
  });
  return { agent, flag: o.verdict === 'flag', category, reasons };
}

/**
 * Folds the reviewer's verdict into the rule-based decision. It can only add a flag: a routine verdict changes
 * nothing, a flag (or no usable verdict) flags the change and records the reviewer's reasons.
 */
export function withVerdict(decision: Decision, v: ReviewerVerdict): Decision {
  if (!v.flag && !v.problem) return decision;
  const reasons: Reason[] = v.problem
    ? [{ category: decision.category, rule: `reviewer/${v.agent}`, file: '(review)', detail: `no verdict from the reviewer agent (${v.problem}); flagged to be safe` }]
    : v.reasons.length > 0
      ? v.reasons
      : [{ category: v.category, rule: `reviewer/${v.agent}`, file: '(change)', detail: 'the reviewer agent flagged the change without giving a reason' }];
  const category = RANK[v.category] > RANK[decision.category] ? v.category : decision.category;
  return { category, flagged: true, reasons: [...decision.reasons, ...reasons] };
}

/**
 * Runs the reviewer agent on a run's change, in its worktree, with read-only tools; never throws. `interrupted` when
 * the daemon shut down meanwhile: nothing is decided, the review runs again on the next start.
 */
export function createReviewer(o: ReviewerOptions) {
  return async (run: RunRow, t: TaskRow, diff: string, decision: Decision): Promise<ReviewerVerdict | 'interrupted'> => {
    if (o.signal?.aborted) return 'interrupted';
    let agent: ResolvedAgent;
    try {
      agent = o.agent();
    } catch (e) {
      return { agent: 'reviewer', flag: true, category: decision.category, reasons: [], problem: (e as Error).message };
    }
    o.log(run.id, `review by ${agent.name} (${agent.backendId}, read-only) started`);
    let outcome: AgentOutcome;
    try {
      outcome = await oneShotTurn(
        agent,
        {
          runId: run.id,
          cwd: run.worktree,
          contain: o.containFor?.({ cwd: run.worktree, backendId: agent.backendId, runId: run.id, readOnly: true }),
          prompt: reviewerPrompt(t, diff, decision, o.maxDiffChars ?? 60_000),
          env: { ...agent.env, [RUN_ENV_KEY]: run.id },
          onLine: (stream, line) => o.log(run.id, `review ${stream}: ${line}`),
          onEvent: (e) => o.onEvent?.(run.id, e),
        },
        { timeoutMs: o.timeoutMs, ...(o.signal ? { signal: o.signal } : {}) },
      );
    } catch (e) {
      return { agent: agent.name, flag: true, category: decision.category, reasons: [], problem: (e as Error).message };
    }
    if (o.signal?.aborted) return 'interrupted';
    const usage = { ...outcome.usage, costUsd: outcome.costUsd ?? 0 };
    if (!outcome.ok) return { agent: agent.name, flag: true, category: decision.category, reasons: [], problem: outcome.error ?? `exit code ${String(outcome.exitCode)}`, usage };
    const v = parseVerdict(outcome.resultText, agent.name);
    if (!v) return { agent: agent.name, flag: true, category: decision.category, reasons: [], problem: 'its answer had no {"verdict": ...} line', usage };
    o.log(run.id, `review by ${agent.name}: ${v.flag ? 'flag' : 'routine'}${v.reasons.length ? ` — ${v.reasons.map((r) => `${r.file}${r.line ? `:${r.line}` : ''} ${r.detail}`).join('; ')}` : ''}`);
    return { ...v, usage };
  };
}

export type Reviewer = ReturnType<typeof createReviewer>;
