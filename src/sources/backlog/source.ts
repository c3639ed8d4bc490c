import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import type { PlanIssue, PlanStatus, PlanTask } from '../../plans/index.js';
import { makeTask } from '../task.js';
import type { PlanSource } from '../types.js';
import { ORCH_ASSIGNEE, setTaskStatus } from './edit.js';
import { parseTaskFile, type BacklogTask } from './task-file.js';

/** `backlog/task-7`, `backlog/task-7.1`: Backlog.md ids, lower-cased, under the `backlog/` namespace. */
export const BACKLOG_ID = /^backlog\/[a-z]+-\d+(?:\.\d+)*$/;

export interface BacklogSourceOptions {
  root: string;
  /** The Backlog.md folder, repo-relative (`backlog`). */
  dir: string;
  doneStatus: string;
  inProgressStatus: string;
  now?: () => Date;
}

interface Found {
  task: BacklogTask;
  file: string;
  /** In `completed/`: done whatever its status says. */
  completed: boolean;
}

/** Backlog.md's own `config.yml` (`default_status: To Do`); absent or unreadable = Backlog.md's default. */
function defaultStatus(root: string, dir: string): string {
  for (const name of [join(dir, 'config.yml'), 'backlog.config.yml']) {
    try {
      const cfg = parse(readFileSync(join(root, name), 'utf8')) as { default_status?: unknown } | null;
      if (typeof cfg?.default_status === 'string' && cfg.default_status.trim()) return cfg.default_status.trim();
    } catch {
      // not there or not YAML: Backlog.md itself would fall back to "To Do"
    }
  }
  return 'To Do';
}

function listTasks(root: string, sub: string): Array<{ file: string; name: string; text: string }> {
  const abs = join(root, sub);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => ({ file: posix.join(sub, e.name), name: e.name, text: readFileSync(join(abs, e.name), 'utf8') }))
    .sort((a, b) => (a.file < b.file ? -1 : 1));
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Backlog.md task files as a source: tasks in `<dir>/tasks` whose status is the project's default ("To Do") are
 * Orch's to do, those it started (status In Progress and assigned `@orch`) stay its own, Done ones (and every file
 * in `<dir>/completed`) are complete. A task whose dependency is someone else's work in progress, or in any other
 * status, is held back with a warning until that one is done. Status goes back into the frontmatter through the
 * engine's status commits (`statusFiles`).
 */
export function createBacklogSource(o: BacklogSourceOptions): PlanSource {
  const now = o.now ?? (() => new Date());
  return {
    kind: 'backlog',
    label: `${o.dir}/tasks`,
    owns: (id) => BACKLOG_ID.test(id),
    read() {
      const todo = defaultStatus(o.root, o.dir);
      const issues: PlanIssue[] = [];
      const byId = new Map<string, Found>();
      const archived = new Set<string>();
      for (const [sub, kind] of [['tasks', 'open'], ['completed', 'done'], [posix.join('archive', 'tasks'), 'archived']] as const) {
        for (const f of listTasks(o.root, posix.join(o.dir, sub))) {
          const parsed = parseTaskFile(f.text, f.file, f.name);
          if (!parsed.ok) {
            if (kind === 'open') issues.push(parsed.issue);
            continue;
          }
          const t = parsed.task;
          if (kind === 'archived') {
            archived.add(t.id);
            continue;
          }
          const first = byId.get(t.id);
          if (first) {
            issues.push({ severity: 'error', code: 'duplicate_id', file: f.file, line: 1, message: `${t.id} is also the id of ${first.file}`, fix: 'give one of the two files another id (`backlog task create` numbers new tasks)' });
            continue;
          }
          byId.set(t.id, { task: t, file: f.file, completed: kind === 'done' });
        }
      }
      const done = (f: Found) => f.completed || same(f.task.status, o.doneStatus);
      const ours = (f: Found) => same(f.task.status, todo) || (same(f.task.status, o.inProgressStatus) && f.task.assignee.some((a) => same(a, ORCH_ASSIGNEE)));
      // What waits for work that is not Orch's is held back, and so is everything that waits for it.
      const held = new Map<string, { dep: string; why: string }>();
      for (let changed = true; changed; ) {
        changed = false;
        for (const f of byId.values()) {
          if (held.has(f.task.id) || done(f) || !ours(f)) continue;
          for (const dep of f.task.dependencies) {
            const d = byId.get(dep.id);
            if (!d || done(d)) continue;
            const why = held.has(d.task.id) ? `${d.task.id}, which is held back` : !ours(d) ? `${d.task.id} (${d.task.status}${d.task.assignee.length ? `, ${d.task.assignee.join(', ')}` : ''})` : undefined;
            if (why) {
              held.set(f.task.id, { dep: dep.id, why });
              changed = true;
              break;
            }
          }
        }
      }
      const tasks: PlanTask[] = [];
      for (const f of byId.values()) {
        const t = f.task;
        if (!done(f) && !ours(f)) continue;
        const hold = held.get(t.id);
        if (hold) {
          issues.push({
            severity: 'warning',
            code: 'not_ready',
            file: f.file,
            line: t.dependencies.find((d) => d.id === hold.dep)?.line ?? 1,
            message: `backlog/${t.id} waits for ${hold.why}, which is not Orch's to do; it is not offered yet`,
            fix: `set the dependency to "${todo}" for Orch to do it, or to "${o.doneStatus}" when it is done, or drop it from dependencies`,
          });
          continue;
        }
        const deps: string[] = [];
        for (const dep of t.dependencies) {
          if (byId.has(dep.id)) deps.push(`backlog/${dep.id}`);
          else if (!archived.has(dep.id) && !done(f)) {
            issues.push({ severity: 'error', code: 'unknown_dependency', file: f.file, line: dep.line, message: `backlog/${t.id} depends on ${dep.id}, which is no task of ${o.dir}/`, fix: `create ${dep.id} or remove it from dependencies` });
          }
        }
        tasks.push(
          makeTask({
            id: `backlog/${t.id}`,
            module: 'backlog',
            epic: Number.parseInt(t.id.split('-')[1] ?? '0', 10) || 0,
            title: t.title,
            body: `# ${t.title}\n\n${t.body}\n\nBacklog.md task: ${f.file}\n`,
            file: f.file,
            ...(t.description ? { description: t.description.replace(/\s*\n\s*/g, ' ').slice(0, 500) } : {}),
            ...(t.priority ? { priority: t.priority } : {}),
            dependsOn: deps,
            dependencyLines: new Map(t.dependencies.map((d) => [`backlog/${d.id}`, d.line])),
            ...(done(f) ? { planStatus: 'complete' as const } : {}),
          }),
        );
      }
      tasks.sort((a, b) => a.epic - b.epic || (a.id < b.id ? -1 : 1));
      return Promise.resolve({ tasks, issues, modules: [] });
    },
    async statusFiles(task, status: PlanStatus, read) {
      const text = await read(task.file);
      if (text === undefined) return [];
      const parsed = parseTaskFile(text, task.file, posix.basename(task.file));
      if (!parsed.ok || `backlog/${parsed.task.id}` !== task.id) return [];
      const others = parsed.task.assignee.filter((a) => !same(a, ORCH_ASSIGNEE));
      const next = status === 'in_progress' ? o.inProgressStatus : status === 'complete' ? o.doneStatus : defaultStatus(o.root, o.dir);
      const assignee = status === 'in_progress' ? [...others, ORCH_ASSIGNEE] : status === 'complete' ? parsed.task.assignee : others;
      if (same(parsed.task.status, next) && assignee.join() === parsed.task.assignee.join()) return [];
      return [{ path: task.file, content: setTaskStatus(text, { status: next, assignee, now: now() }) }];
    },
  };
}
