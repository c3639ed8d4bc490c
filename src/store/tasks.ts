import type { Db } from './db.js';
import type { TaskStatus } from '../api/index.js';
import type { PlanTask } from '../plans/index.js';

export interface TaskRow {
  id: string;
  module: string;
  epic: number;
  title: string;
  description: string;
  file: string;
  body: string;
  priority: 'high' | 'medium' | 'low';
  dependsOn: string[];
  needsReview: boolean;
  touches: string[];
  conflictsWith: string[];
  /** Files the run must leave behind; checked after the agent finishes (G5, P4). */
  deliverables: string[];
  /** A daily task's `estimated_complexity` (low, medium, high); null (or absent) for others. */
  complexity?: string | null;
  agent: string | null;
  model: string | null;
  /** `code -> review -> test` from the frontmatter (G5); null = the project's `[workflow] default`. */
  workflow: string | null;
  planStatus: string | null;
  status: TaskStatus;
  statusNote: string | null;
  removedAt: string | null;
  /** `plan` for epics from the plan; `maintenance` for work started by `orch maintain` (never removed by a sync). */
  source: TaskSource;
}

export type TaskSource = 'plan' | 'maintenance' | 'daily';

/** A task not from the plan, written by `orch maintain`. */
export interface MaintenanceTask {
  id: string;
  title: string;
  description: string;
  body: string;
  module: string;
  touches: string[];
}

interface RawTask {
  id: string;
  module: string;
  epic: number;
  title: string;
  description: string;
  file: string;
  body: string;
  priority: string;
  depends_on: string;
  needs_review: number;
  touches: string;
  conflicts_with: string;
  deliverables: string;
  complexity?: string | null;
  agent: string | null;
  model: string | null;
  workflow: string | null;
  plan_status: string | null;
  status: string;
  status_note: string | null;
  removed_at: string | null;
  source: string;
}

const toRow = (r: RawTask): TaskRow => ({
  id: r.id,
  module: r.module,
  epic: r.epic,
  title: r.title,
  description: r.description,
  file: r.file,
  body: r.body,
  priority: r.priority as TaskRow['priority'],
  dependsOn: JSON.parse(r.depends_on) as string[],
  needsReview: r.needs_review === 1,
  touches: JSON.parse(r.touches) as string[],
  conflictsWith: JSON.parse(r.conflicts_with) as string[],
  deliverables: JSON.parse(r.deliverables) as string[],
  complexity: r.complexity ?? null,
  agent: r.agent,
  model: r.model,
  workflow: r.workflow ?? null,
  planStatus: r.plan_status,
  status: r.status as TaskStatus,
  statusNote: r.status_note,
  removedAt: r.removed_at,
  source: r.source === 'maintenance' || r.source === 'daily' ? r.source : 'plan',
});

export interface UpsertOutcome {
  added: string[];
  updated: string[];
  removed: string[];
}

/** The ids of the tasks that have a live run, as one string to compare. */
const activeKey = (tasks: readonly PlanTask[], isActive: (id: string) => boolean): string => {
  let key = '';
  for (const t of tasks) if (isActive(t.id)) key += `${t.id}\n`;
  return key;
};

export function createTaskStore(db: Db) {
  const all = db.prepare('SELECT * FROM tasks ORDER BY module, epic');
  const insert = db.prepare(`INSERT INTO tasks (id, module, epic, title, description, file, body, priority, depends_on,
      needs_review, touches, conflicts_with, deliverables, agent, model, workflow, plan_status, status, created_at, updated_at)
    VALUES (@id, @module, @epic, @title, @description, @file, @body, @priority, @depends_on, @needs_review, @touches,
      @conflicts_with, @deliverables, @agent, @model, @workflow, @plan_status, @status, @now, @now)`);
  const update = db.prepare(`UPDATE tasks SET module=@module, epic=@epic, title=@title, description=@description,
      file=@file, body=@body, priority=@priority, depends_on=@depends_on, needs_review=@needs_review, touches=@touches,
      conflicts_with=@conflicts_with, deliverables=@deliverables, agent=@agent, model=@model, workflow=@workflow, plan_status=@plan_status, removed_at=NULL,
      status=@status, updated_at=@now WHERE id=@id`);
  const markRemoved = db.prepare('UPDATE tasks SET removed_at = ?, updated_at = ? WHERE id = ? AND removed_at IS NULL');
  const setStatus = db.prepare('UPDATE tasks SET status = ?, status_note = ?, updated_at = ? WHERE id = ?');
  const upsertMaintenance = db.prepare(`INSERT INTO tasks (id, module, epic, title, description, file, body, priority, depends_on,
      needs_review, touches, conflicts_with, agent, model, plan_status, status, source, created_at, updated_at)
    VALUES (@id, @module, 0, @title, @description, '', @body, 'high', '[]', 0, @touches, '[]', NULL, NULL, NULL, 'not_started',
      'maintenance', @now, @now)
    ON CONFLICT(id) DO UPDATE SET title=excluded.title, description=excluded.description, body=excluded.body,
      touches=excluded.touches, status='not_started', status_note=NULL, removed_at=NULL, updated_at=excluded.updated_at
    WHERE tasks.source = 'maintenance'`);

  const upsertDaily = db.prepare(`INSERT INTO tasks (id, module, epic, title, description, file, body, priority, depends_on,
      needs_review, touches, conflicts_with, deliverables, complexity, agent, model, plan_status, status, source, created_at, updated_at)
    VALUES (@id, @module, @epic, @title, @description, @file, @body, 'medium', @depends_on, 0, '[]', '[]', @deliverables, @complexity, NULL, NULL,
      NULL, 'not_started', 'daily', @now, @now)
    ON CONFLICT(id) DO UPDATE SET module=excluded.module, epic=excluded.epic, title=excluded.title, description=excluded.description,
      file=excluded.file, body=excluded.body, depends_on=excluded.depends_on, deliverables=excluded.deliverables, complexity=excluded.complexity, removed_at=NULL,
      updated_at=excluded.updated_at
    WHERE tasks.source = 'daily'`);
  // PERF: the daemon is the only writer, so it may keep the rows in memory: `next` on 5,000 tasks went from
  // 100-190 ms (re-reading and JSON-parsing every row) to a filter over the cached list. Every write drops it.
  let cache: TaskRow[] | undefined;
  let byId: Map<string, TaskRow> | undefined;
  const rows = (): TaskRow[] => (cache ??= (all.all() as RawTask[]).map(toRow));
  /** What the last sync stored, onto which rows (the cache it left), with which tasks active. */
  let synced: { tasks: readonly PlanTask[]; rows: TaskRow[]; active: string } | undefined;

  return {
    /** Rows in module, epic order. Callers must not mutate them. */
    list(): TaskRow[] {
      return rows();
    },
    get(id: string): TaskRow | undefined {
      byId ??= new Map(rows().map((t) => [t.id, t]));
      return byId.get(id);
    },
    setStatus(id: string, status: TaskStatus, note: string | null = null): void {
      setStatus.run(status, note, new Date().toISOString(), id);
      cache = undefined;
      byId = undefined;
    },
    /** Creates or re-arms a maintenance task; false when the id belongs to the plan. */
    putMaintenance(t: MaintenanceTask): boolean {
      const changed = upsertMaintenance.run({ ...t, touches: JSON.stringify(t.touches), now: new Date().toISOString() }).changes === 1;
      cache = undefined;
      byId = undefined;
      return changed;
    },
    /** Writes a daily task file's tasks (P4); a task of the file that already ran keeps its status. False when an id belongs to the plan. */
    putDaily(tasks: PlanTask[]): boolean {
      const now = new Date().toISOString();
      let ok = true;
      db.transaction(() => {
        for (const t of tasks) {
          const r = upsertDaily.run({ id: t.id, module: t.module, epic: t.epic, title: t.title, description: t.description, file: t.file, body: t.body, depends_on: JSON.stringify(t.dependsOn), deliverables: JSON.stringify(t.deliverables ?? []), complexity: t.complexity ?? null, now });
          if (r.changes !== 1) ok = false;
        }
      })();
      cache = undefined;
      byId = undefined;
      return ok;
    },
    /**
     * Replaces the plan view of the store in one transaction: nothing half-syncs. A task's run status survives a
     * sync; the plan's own marks (🟢 or an epic marker) can only move a task forward to complete.
     */
    sync(tasks: PlanTask[], isActive: (id: string) => boolean): UpsertOutcome {
      const out: UpsertOutcome = { added: [], updated: [], removed: [] };
      // PERF: the same plan (the very array the last sync stored: the plan reader hands back its last plan when no
      // file changed) onto the same rows (no write since) with the same active tasks changes nothing: no transaction,
      // no 2,000 rows compared (issue 12: a sync with nothing changed; 3 MB of garbage per call on 2,000 tasks).
      const active = activeKey(tasks, isActive);
      if (synced && synced.tasks === tasks && cache !== undefined && synced.rows === cache && synced.active === active) return out;
      const now = new Date().toISOString();
      let changedRows = false;
      db.transaction(() => {
        // The cached rows are the table (the daemon is its only writer): no re-read of every row per sync.
        const existing = new Map(rows().map((r) => [r.id, r]));
        const seen = new Set<string>();
        for (const t of tasks) {
          seen.add(t.id);
          const prev = existing.get(t.id);
          const planComplete = t.planStatus === 'complete';
          // A run still cleaning up after its merge is active, but its task is complete: that must survive (with a
          // forge the plan's 🟢 is on the remote, not in this checkout, so nothing else would bring it back).
          const status: TaskStatus = isActive(t.id)
            ? prev?.status === 'complete'
              ? 'complete'
              : 'in_progress'
            : planComplete
              ? 'complete'
              : prev && prev.status !== 'in_progress'
                ? prev.status
                : 'not_started';
          const params = {
            id: t.id,
            module: t.module,
            epic: t.epic,
            title: t.title,
            description: t.description,
            file: t.file,
            body: t.body,
            priority: t.priority,
            depends_on: JSON.stringify(t.dependsOn),
            needs_review: t.needsReview ? 1 : 0,
            touches: JSON.stringify(t.touches),
            conflicts_with: JSON.stringify(t.conflictsWith),
            deliverables: JSON.stringify(t.deliverables ?? []),
            agent: t.agent ?? null,
            model: t.model ?? null,
            workflow: t.workflow ?? null,
            plan_status: t.planStatus ?? null,
            status,
            now,
          };
          if (!prev) {
            insert.run(params);
            out.added.push(t.id);
            continue;
          }
          // What the plan says changed; the status alone moves with runs and Orch's own README marks, not with edits.
          const edited =
            prev.title !== t.title ||
            prev.body !== t.body ||
            prev.file !== t.file ||
            prev.priority !== t.priority ||
            prev.removedAt !== null ||
            JSON.stringify(prev.dependsOn) !== params.depends_on ||
            prev.needsReview !== t.needsReview ||
            JSON.stringify(prev.touches) !== params.touches ||
            JSON.stringify(prev.deliverables) !== params.deliverables ||
            (prev.agent ?? undefined) !== t.agent ||
            (prev.model ?? undefined) !== t.model ||
            (prev.workflow ?? undefined) !== t.workflow;
          if (edited || prev.status !== status || (prev.planStatus ?? undefined) !== t.planStatus) {
            update.run(params);
            changedRows = true;
            if (edited) out.updated.push(t.id);
          }
        }
        for (const [id, row] of existing) {
          if (!seen.has(id) && row.removedAt === null && row.source === 'plan') {
            markRemoved.run(now, now, id);
            out.removed.push(id);
          }
        }
      })();
      // PERF: a sync that changed nothing keeps the cache, so the next `list`/`next` need not re-read 2,000 rows.
      if (changedRows || out.added.length + out.updated.length + out.removed.length > 0) {
        cache = undefined;
        byId = undefined;
      }
      synced = { tasks, rows: rows(), active };
      return out;
    },
  };
}

export type TaskStore = ReturnType<typeof createTaskStore>;
