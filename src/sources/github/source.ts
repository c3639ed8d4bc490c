import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PlanIssue, PlanTask } from '../../plans/index.js';
import { makeTask } from '../task.js';
import type { PlanSource, TaskProgress } from '../types.js';
import type { IssueRecord, IssuesApi } from './api.js';
import { blockingRefs } from './refs.js';
import { COMMENT_MARKER, notReadyComment, parseReadiness, readinessPrompt, type Readiness } from './readiness.js';

export const GITHUB_ID = /^gh\/(\d+)$/;

export interface GitHubSourceOptions {
  /** Resolved on first use: token and repository are found then, so a missing token fails the sync that needs it. */
  api: () => Promise<IssuesApi>;
  label: string;
  refinementLabel: string;
  readinessCheck: boolean;
  closeOnMerge: boolean;
  /** One planner turn: the prompt in, the answer's text out. */
  askPlanner: (prompt: string) => Promise<string>;
  /** Where verdicts are kept, so an issue is checked once per version of its text (survives restarts). */
  cacheFile: string;
  log: (msg: string) => void;
}

type Verdicts = Record<string, { hash: string } & Readiness>;

/**
 * GitHub issues with a label as tasks `gh/<number>` (P8). An open issue becomes a task only after the planner finds
 * it ready; one that is not gets one comment saying what is missing and the refinement label, and is left alone
 * until a person removes the label. Closed labelled issues are complete tasks, so dependencies on them are met.
 */
export function createGitHubSource(o: GitHubSourceOptions): PlanSource {
  let verdicts: Verdicts | undefined;
  const load = async (): Promise<Verdicts> => {
    if (verdicts) return verdicts;
    try {
      verdicts = JSON.parse(await readFile(o.cacheFile, 'utf8')) as Verdicts;
    } catch {
      verdicts = {};
    }
    return verdicts;
  };
  const save = async (): Promise<void> => {
    await mkdir(dirname(o.cacheFile), { recursive: true });
    await writeFile(o.cacheFile, JSON.stringify(verdicts ?? {}, null, 1));
  };

  const hashOf = (issue: IssueRecord): string => createHash('sha256').update(`${issue.title}\n${issue.body}`).digest('hex').slice(0, 16);
  /** The verdict on this version of the issue's text, if the planner gave one. */
  const known = async (issue: IssueRecord): Promise<Readiness | undefined> => {
    if (!o.readinessCheck) return { ready: true, missing: [] };
    const v = (await load())[String(issue.number)];
    return v?.hash === hashOf(issue) ? v : undefined;
  };

  // Planner turns take long (a real model: many seconds each), so they never hold a sync up: they run here, one at
  // a time, and each verdict asks for a new sync, which finds it in the cache.
  const pending = new Set<number>();
  let queue = Promise.resolve();
  let changed: () => void = () => undefined;
  const enqueue = (api: IssuesApi, issue: IssueRecord): void => {
    if (pending.has(issue.number)) return;
    pending.add(issue.number);
    queue = queue
      .then(async () => {
        const answer = await o.askPlanner(readinessPrompt({ number: issue.number, title: issue.title, body: issue.body }));
        const parsed = parseReadiness(answer) ?? { ready: false, missing: ['a clear problem, acceptance criteria and a bounded scope (the planner could not judge the issue as written)'] };
        (await load())[String(issue.number)] = { hash: hashOf(issue), ...parsed };
        await save();
        if (!parsed.ready) await sendBack(api, issue, parsed);
      })
      .catch((e: unknown) => o.log(`readiness check of gh/${issue.number} failed: ${e instanceof Error ? e.message : String(e)}; it is checked again on the next sync`))
      .finally(() => {
        pending.delete(issue.number);
        changed();
      });
  };

  const sendBack = async (api: IssuesApi, issue: IssueRecord, r: Readiness): Promise<void> => {
    // A comment already made (the label was lost, or the daemon stopped in between) is not made again.
    const said = (await api.comments(issue.number)).some((c) => c.includes(COMMENT_MARKER));
    if (!said) await api.comment(issue.number, notReadyComment(o.refinementLabel, r.missing));
    await api.addLabel(issue.number, o.refinementLabel);
    o.log(`gh/${issue.number} is not ready (${r.missing.join('; ') || 'unclear'}): commented and labelled ${o.refinementLabel}`);
  };

  return {
    kind: 'github',
    label: `GitHub issues labelled "${o.label}"`,
    owns: (id) => GITHUB_ID.test(id),
    async read() {
      const api = await o.api();
      const all = await api.listLabelled(o.label);
      const issues: PlanIssue[] = [];
      const candidates: IssueRecord[] = [];
      for (const issue of all) {
        if (issue.state === 'closed' || issue.labels.includes(o.refinementLabel)) continue;
        const r = await known(issue);
        if (r?.ready) candidates.push(issue);
        else if (r) await sendBack(api, issue, r);
        else {
          enqueue(api, issue);
          issues.push({
            severity: 'warning',
            code: 'not_ready',
            file: issue.url,
            line: 0,
            message: `gh/${issue.number} is being checked by the planner (a clear problem, acceptance criteria, a bounded scope); it becomes a task when the planner finds it ready`,
            fix: 'nothing to do: Orch syncs again when the planner answers',
          });
        }
      }
      const inSet = new Map<number, IssueRecord>([...all.filter((i) => i.state === 'closed'), ...candidates].map((i) => [i.number, i]));
      const tasks: PlanTask[] = [];
      for (const issue of inSet.values()) {
        const deps: string[] = [];
        const waiting: string[] = [];
        for (const n of blockingRefs(issue.body)) {
          if (n === issue.number) continue;
          if (inSet.has(n)) deps.push(`gh/${n}`);
          else if (issue.state === 'open') {
            const other = await api.get(n);
            if (other?.state === 'open') waiting.push(`#${n}`);
          }
        }
        if (waiting.length > 0) {
          issues.push({
            severity: 'warning',
            code: 'not_ready',
            file: issue.url,
            line: 0,
            message: `gh/${issue.number} waits for ${waiting.join(', ')}, open and not a task of Orch; it is not offered yet`,
            fix: `label ${waiting.join(', ')} "${o.label}" so Orch does it first, or close it, or drop the reference from #${issue.number}`,
          });
          continue;
        }
        tasks.push(
          makeTask({
            id: `gh/${issue.number}`,
            module: 'gh',
            epic: issue.number,
            title: issue.title,
            body: `# ${issue.title}\n\n${issue.body}\n\nGitHub issue: ${issue.url}\n`,
            file: issue.url,
            dependsOn: deps,
            ...(issue.state === 'closed' ? { planStatus: 'complete' as const } : {}),
          }),
        );
      }
      tasks.sort((a, b) => a.epic - b.epic);
      return { tasks, issues, modules: [] };
    },
    watch(fn) {
      changed = fn;
    },
    async report(p: TaskProgress) {
      if (p.status !== 'complete' || !o.closeOnMerge) return;
      const n = Number(GITHUB_ID.exec(p.taskId)?.[1]);
      const api = await o.api();
      const issue = await api.get(n);
      if (!issue || issue.state === 'closed') return;
      const link = p.prUrl ?? (p.mergeCommit ? `commit ${p.mergeCommit}` : 'the target branch');
      await api.comment(n, `Done by Orch: merged in ${link}.`);
      await api.close(n);
    },
  };
}
