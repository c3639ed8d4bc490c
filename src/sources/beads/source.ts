import type { Priority } from '../../plans/index.js';
import { makeTask } from '../task.js';
import type { PlanSource, TaskProgress } from '../types.js';
import { issuesOf, type BeadsIssue, type RunBd } from './bd.js';

/** A Beads id: `<prefix>-<hash>` with `.<n>` for each level below an epic (`bd-a3f8`, `bd-a3f8.1`, `bd-a3f8.1.2`). */
export const BEADS_ID = /^[a-z][a-z0-9_]*-[a-z0-9]+(?:\.\d+)*$/i;

/** The epic a Beads id belongs to: its first segment (`bd-a3f8.1.2` -> `bd-a3f8`); used as the task's module. */
export const epicOf = (id: string): string => id.split('.')[0] ?? id;

/** How Orch's `bd close` reason starts: an issue closed with it is work Orch merged, anything else was closed by a person. */
export const CLOSED_BY_ORCH = 'Merged by Orch';

const PRIORITY: Record<number, Priority> = { 0: 'high', 1: 'high', 2: 'medium', 3: 'low', 4: 'low' };

export interface BeadsSourceOptions {
  bd: RunBd;
  /** Only issues under this epic ("" = all). */
  epic: string;
  claim: boolean;
  /** Who Orch claims as (`bd --actor`, default "orch"): in-progress issues of any other assignee are not Orch's to run. */
  actor?: string;
  log: (msg: string) => void;
}

/**
 * Beads as a source and state store (P5): `bd ready` is the ready set, `bd list --status in_progress` keeps what Orch
 * claimed in view, `bd show` gives each issue's details and dependencies; progress goes back through `bd update
 * --claim`, `bd update --status` and `bd close`. Every closed issue asks for a new sync: its dependents may be ready.
 * An issue Orch closed stays a complete task (`bd list --status closed`, by its close reason); one closed by anyone
 * else leaves the set, so the sync marks its task removed (and stops a run of it). An issue in progress under
 * another assignee (a person, another Orch) is someone else's work: it is no task here, so Orch never starts it.
 */
export function createBeadsSource(o: BeadsSourceOptions): PlanSource {
  let changed: () => void = () => undefined;
  let lastOthers = '';
  /** Issues whose claim someone else won: their run fails, and their status is theirs, not reopened by Orch. */
  const lost = new Set<string>();
  const inScope = (id: string): boolean => !o.epic || id === o.epic || id.startsWith(`${o.epic}.`);
  const actor = o.actor ?? 'orch';
  const as = ['--actor', actor];
  /** In progress and claimed by Orch itself (a claim without an assignee is someone's too). */
  const ours = (i: BeadsIssue): boolean => i.status !== 'in_progress' || (o.claim && i.assignee === actor);
  return {
    kind: 'beads',
    label: `Beads (bd ready${o.epic ? ` under ${o.epic}` : ''})`,
    owns: (id) => BEADS_ID.test(id) && !id.includes('/'),
    async read() {
      const listed = [...issuesOf(await o.bd(['ready'])), ...issuesOf(await o.bd(['list', '--status', 'in_progress']))];
      const ids = [...new Set(listed.map((i) => i.id))].filter(inScope);
      const details = await Promise.all(ids.map(async (id) => issuesOf(await o.bd(['show', id]))[0]));
      const closed = issuesOf(await o.bd(['list', '--status', 'closed'])).filter(
        (i) => inScope(i.id) && i.issue_type !== 'epic' && (i.close_reason ?? '').startsWith(CLOSED_BY_ORCH) && !ids.includes(i.id),
      );
      const open = details.filter((i): i is BeadsIssue => i !== undefined && i.issue_type !== 'epic' && i.status !== 'closed' && ours(i));
      const others = details.filter((i) => i !== undefined && i.status === 'in_progress' && !ours(i)).map((i) => `${i!.id} (${i!.assignee || 'no assignee'})`);
      if (others.length > 0 && others.join() !== lastOthers) o.log(`Beads: in progress under someone else, not started by Orch: ${others.join(', ')}`);
      lastOthers = others.join();
      const tasks = [...open, ...closed]
        .map((i) => {
          const done = i.status === 'closed';
          const deps = done ? [] : (i.dependencies ?? []).filter((d) => d.status !== 'closed' && (d.dependency_type ?? 'blocks') === 'blocks' && ids.includes(d.id)).map((d) => d.id);
          const body = [i.description?.trim(), i.acceptance_criteria?.trim() ? `## Acceptance criteria\n\n${i.acceptance_criteria.trim()}` : ''].filter(Boolean).join('\n\n');
          return makeTask({
            id: i.id,
            module: epicOf(i.id),
            epic: Number(i.id.split('.').at(-1)) || 0,
            title: i.title,
            body: `# ${i.title}\n\n${body}\n\nBeads issue: ${i.id}\n`,
            file: `beads:${i.id}`,
            priority: PRIORITY[i.priority ?? 2] ?? 'medium',
            dependsOn: deps,
            ...(done ? { planStatus: 'complete' as const } : {}),
          });
        })
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { tasks, issues: [], modules: [] };
    },
    async claim(taskId) {
      if (!o.claim) return { ok: true };
      const show = async (): Promise<BeadsIssue | undefined> => issuesOf(await o.bd(['show', taskId]))[0];
      const isOurs = (i: BeadsIssue | undefined): boolean => i?.status === 'in_progress' && i.assignee === actor;
      // A retry or a restart finds its own claim: `bd update --claim` refuses an issue that is already claimed.
      if (isOurs(await show())) return { ok: true };
      try {
        await o.bd(['update', taskId, '--claim', ...as]);
        return { ok: true };
      } catch (e) {
        const now = await show().catch(() => undefined);
        if (isOurs(now)) return { ok: true };
        const why = e instanceof Error ? e.message : String(e);
        if (now?.status === 'in_progress' || now?.status === 'closed') {
          // Someone else's now: leave their claim alone (no `--status open` when the run fails) and drop the task.
          lost.add(taskId);
          changed();
        }
        const who = now?.assignee ? ` by ${now.assignee}` : '';
        return { ok: false, reason: `${taskId} was claimed in Beads${who} before Orch could claim it, so Orch did not run it (${why}); it leaves Orch's tasks at the next sync` };
      }
    },
    async report(p: TaskProgress) {
      if (p.status === 'failed' || p.status === 'not_started') {
        // Not ours to reopen: someone else claimed it first.
        if (lost.delete(p.taskId)) return;
        await o.bd(['update', p.taskId, '--status', 'open', ...as]);
      } else if (p.status === 'complete') {
        const link = p.prUrl ?? (p.mergeCommit ? `commit ${p.mergeCommit}` : 'the target branch');
        await o.bd(['close', p.taskId, '--reason', `${CLOSED_BY_ORCH} in ${link}`, ...as]);
        changed();
      }
    },
    watch(fn) {
      changed = fn;
    },
  };
}
