import type { Db } from './db.js';
import type { RunState } from '../api/index.js';

export interface RunRow {
  id: string;
  taskId: string;
  batchId: string | null;
  state: RunState;
  attempt: number;
  branch: string;
  worktree: string;
  targetBranch: string;
  baseSha: string | null;
  backend: string;
  model: string | null;
  sessionId: string | null;
  pid: number | null;
  pgid: number | null;
  commitSha: string | null;
  mergeCommit: string | null;
  savedRef: string | null;
  waitingReason: string | null;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  startedAt: string | null;
  endedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The prompt of the next agent turn (an answer, guidance), consumed when the agent is spawned. */
  nextPrompt: string | null;
  /** Transient failures retried so far. */
  retries: number;
  /** The review-routing decision (JSON of review's Decision), once the change was classified. */
  review: string | null;
  /** Who approved a flagged change (`orch pr merge`). */
  approvedBy: string | null;
  prNumber: number | null;
  prUrl: string | null;
  /** Times failing checks went back to the agent. */
  fixAttempts: number;
  /** The project's build/test/lint results on the change (JSON of api Verification[]). */
  verification: string | null;
  /** The run's workflow steps (JSON of api Workflow), once its change reached them; null = not yet, or plain `code`. */
  workflow: string | null;
}

const columns: Record<keyof RunRow, string> = {
  id: 'id',
  taskId: 'task_id',
  batchId: 'batch_id',
  state: 'state',
  attempt: 'attempt',
  branch: 'branch',
  worktree: 'worktree',
  targetBranch: 'target_branch',
  baseSha: 'base_sha',
  backend: 'backend',
  model: 'model',
  sessionId: 'session_id',
  pid: 'pid',
  pgid: 'pgid',
  commitSha: 'commit_sha',
  mergeCommit: 'merge_commit',
  savedRef: 'saved_ref',
  waitingReason: 'waiting_reason',
  error: 'error',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  cacheReadTokens: 'cache_read_tokens',
  cacheWriteTokens: 'cache_write_tokens',
  costUsd: 'cost_usd',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  nextPrompt: 'next_prompt',
  retries: 'retries',
  review: 'review',
  approvedBy: 'approved_by',
  prNumber: 'pr_number',
  prUrl: 'pr_url',
  fixAttempts: 'fix_attempts',
  verification: 'verification',
  workflow: 'workflow',
};

const selectList = Object.entries(columns)
  .map(([k, c]) => `${c} AS ${k}`)
  .join(', ');

export type NewRun = Pick<RunRow, 'id' | 'taskId' | 'batchId' | 'attempt' | 'branch' | 'worktree' | 'targetBranch' | 'backend' | 'model'> &
  Partial<Pick<RunRow, 'sessionId'>>;

/** What runs spent; `unpriced` counts runs with tokens but no cost (a model whose price the CLI does not know). */
export interface Spend {
  usd: number;
  tokens: number;
  runs: number;
  unpriced: number;
}

const REDACTED_COLUMNS = new Set(['error', 'verification', 'review', 'waitingReason', 'workflow']);

export function createRunStore(db: Db, redact?: (text: string) => string) {
  const byId = db.prepare(`SELECT ${selectList} FROM runs WHERE id = ?`);
  const byTask = db.prepare(`SELECT ${selectList} FROM runs WHERE task_id = ? ORDER BY created_at DESC, rowid DESC`);
  const active = db.prepare(`SELECT ${selectList} FROM runs WHERE state NOT IN ('done','failed','stopped') ORDER BY created_at`);
  const byBatch = db.prepare(`SELECT ${selectList} FROM runs WHERE batch_id = ? ORDER BY created_at`);
  const recent = db.prepare(`SELECT ${selectList} FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?`);
  const totals = db.prepare(`SELECT COALESCE(SUM(input_tokens),0) AS inputTokens, COALESCE(SUM(output_tokens),0) AS outputTokens,
    COALESCE(SUM(cache_read_tokens),0) AS cacheReadTokens, COALESCE(SUM(cache_write_tokens),0) AS cacheWriteTokens,
    COALESCE(SUM(cost_usd),0) AS costUsd FROM runs`);
  const today = db.prepare(`SELECT COALESCE(SUM(state = 'done' AND ended_at >= @from),0) AS merged,
    COALESCE(SUM(state = 'failed' AND ended_at >= @from),0) AS failed,
    COALESCE(SUM(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens),0) AS tokens,
    COALESCE(SUM(cost_usd),0) AS costUsd FROM runs WHERE created_at >= @from OR ended_at >= @from OR ended_at IS NULL`);
  const spendCols = `COALESCE(SUM(cost_usd),0) AS usd,
    COALESCE(SUM(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens),0) AS tokens, COUNT(*) AS runs,
    COALESCE(SUM(CASE WHEN cost_usd = 0 AND input_tokens + output_tokens > 0 THEN 1 ELSE 0 END),0) AS unpriced FROM runs`;
  const spendBetween = db.prepare(`SELECT ${spendCols} WHERE created_at >= ? AND created_at < ?`);
  const spendBatch = db.prepare(`SELECT ${spendCols} WHERE batch_id = ?`);
  const spendTask = db.prepare(`SELECT ${spendCols} WHERE task_id = ?`);
  const between = db.prepare(`SELECT ${selectList} FROM runs WHERE created_at >= ? AND created_at < ? ORDER BY created_at`);
  const insert = db.prepare(`INSERT INTO runs (id, task_id, batch_id, state, attempt, branch, worktree, target_branch, backend,
    model, session_id, created_at, updated_at) VALUES (@id, @taskId, @batchId, 'queued', @attempt, @branch, @worktree,
    @targetBranch, @backend, @model, @sessionId, @now, @now)`);

  return {
    get(id: string): RunRow | undefined {
      return byId.get(id) as RunRow | undefined;
    },
    forTask(taskId: string): RunRow[] {
      return byTask.all(taskId) as RunRow[];
    },
    active(): RunRow[] {
      return active.all() as RunRow[];
    },
    forBatch(batchId: string): RunRow[] {
      return byBatch.all(batchId) as RunRow[];
    },
    recent(limit = 50): RunRow[] {
      return recent.all(limit) as RunRow[];
    },
    /** Money and tokens spent by runs created in [from, to) (ISO instants), by a batch, or by a task (O3). */
    spend(scope: { from: string; to: string } | { batchId: string } | { taskId: string }): Spend {
      if ('batchId' in scope) return spendBatch.get(scope.batchId) as Spend;
      if ('taskId' in scope) return spendTask.get(scope.taskId) as Spend;
      return spendBetween.get(scope.from, scope.to) as Spend;
    },
    /** Runs created in [from, to) (ISO instants), oldest first. */
    between(from: string, to: string): RunRow[] {
      return between.all(from, to) as RunRow[];
    },
    totals(): { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; costUsd: number } {
      return totals.get() as ReturnType<ReturnType<typeof createRunStore>['totals']>;
    },
    /** Since `from` (an ISO time): runs merged and failed, and tokens and spend of runs that were live then. */
    since(from: string): { merged: number; failed: number; tokens: number; costUsd: number } {
      return today.get({ from }) as { merged: number; failed: number; tokens: number; costUsd: number };
    },
    create(run: NewRun): RunRow {
      insert.run({ sessionId: null, ...run, now: new Date().toISOString() });
      return byId.get(run.id) as RunRow;
    },
    /** Writes the given fields (camelCase keys) in one statement. */
    update(id: string, fields: Partial<Omit<RunRow, 'id' | 'createdAt'>>): RunRow {
      // Text that comes from agents and the project's commands (errors, verification output, reviews) is redacted.
      const entries = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, redact && typeof v === 'string' && REDACTED_COLUMNS.has(k) ? redact(v) : v] as const);
      const sets = entries.map(([k]) => `${columns[k as keyof RunRow]} = @${k}`);
      sets.push('updated_at = @updatedAt');
      db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run({
        ...Object.fromEntries(entries),
        updatedAt: new Date().toISOString(),
        id,
      });
      return byId.get(id) as RunRow;
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
