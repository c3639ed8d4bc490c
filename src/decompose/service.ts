import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RequestError, type DecomposeRequest, type DecomposeResult, type PlanDiff, type PlanIssue } from '../api/index.js';
import { commitFilesOnto, type GitRunner } from '../git/index.js';
import { isModuleName, withStatusTable, type ParsedPlan, type PlanTask } from '../plans/index.js';
import { diffPlans } from './diff.js';
import { decomposePrompt, retryPrompt } from './prompt.js';
import { parseProposal, slugOf, type ProposedFile } from './proposal.js';
import { parseTree, planAt } from './tree.js';

/** One planner turn: a new conversation, or the next prompt of `resume`'s. Rejects when the agent failed. */
export type PlannerTurn = (prompt: string, resume?: string) => Promise<{ text: string; sessionId?: string }>;

export interface DecomposerDeps {
  git: GitRunner;
  root: string;
  targetBranch: string;
  plansDir: string;
  ask: PlannerTurn;
  /** Where scratch copies of the plan go (removed after each request). */
  scratchDir: string;
  log: (msg: string) => void;
  /** Proposals the planner may make before Orch gives up (the first included). */
  maxAttempts?: number;
  /** `[writeback] readme`: the branch also adds the new epics to the plan README's status table (default true). */
  statusTable?: boolean;
}

const PLAN_BRANCH = 'plan/';

/**
 * P6: the planner role turns a free-form spec into plan files on a new branch `plan/<slug>`, made from the target
 * branch's tip with commit-tree and update-ref only: no checkout, index or branch of the user's changes. A proposal
 * is checked by the same parser as `orch sync` on the plan it would make; an invalid one goes back to the planner
 * with the parser's errors, a bounded number of times. Merging the branch is the user's act.
 */
export function createDecomposer(d: DecomposerDeps) {
  const maxAttempts = d.maxAttempts ?? 3;

  async function tip(ref: string): Promise<string | undefined> {
    const r = await d.git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: d.root });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** Checks a proposal against the plan at `base`: the parser's errors of the combined plan (none = valid). */
  async function check(base: string, files: readonly ProposedFile[]) {
    const tree = await planAt(d.git, d.root, base, d.plansDir, d.scratchDir);
    try {
      const before = await parseTree(tree.dir, d.plansDir);
      for (const f of files) {
        mkdirSync(dirname(join(tree.dir, f.path)), { recursive: true });
        writeFileSync(join(tree.dir, f.path), f.content);
      }
      const after = await parseTree(tree.dir, d.plansDir);
      return { before, after, errors: after.issues.filter((i) => i.severity === 'error') };
    } finally {
      tree.dispose();
    }
  }

  /**
   * The plan README (`<plans>/README.md`) with a 🔴 row for each epic the proposal adds, as `orch sync` would add
   * them after the merge: the README of the proposal if it has one, else the target's; created when neither has one.
   */
  async function statusRows(base: string, proposed: readonly ProposedFile[], after: ParsedPlan, added: readonly string[]): Promise<ProposedFile | undefined> {
    if (added.length === 0) return undefined;
    const path = `${d.plansDir}/README.md`;
    const own = proposed.find((f) => f.path === path)?.content;
    const atBase = await d.git.run(['cat-file', 'blob', `${base}:${path}`], { cwd: d.root });
    const readme = own ?? (atBase.exitCode === 0 ? atBase.stdout : undefined);
    // Every epic places the rows (after the last row of its module); only the added ones get a row, as 🔴.
    const epics = after.tasks.map((t: PlanTask) => ({ id: t.id, module: t.module, epic: t.epic, title: t.title, file: t.file, status: 'not_started' as const }));
    const table = withStatusTable(readme, d.plansDir, after.modules, epics, new Set(added));
    return table.text === readme ? undefined : { path, content: table.text };
  }

  async function decompose(req: DecomposeRequest): Promise<DecomposeResult> {
    if (req.module !== undefined && !isModuleName(req.module)) {
      throw new RequestError('bad_module', `--module "${req.module}" is not a module name; use letters, digits, - _ . (e.g. billing)`);
    }
    const base = await tip(`refs/heads/${d.targetBranch}`);
    if (!base) throw new RequestError('no_target', `target branch ${d.targetBranch} has no commit; make a first commit or set target_branch in .orch/config.toml`, 409);
    const title = /^#\s+(.+)$/m.exec(req.spec)?.[1] ?? req.name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
    const branch = `${PLAN_BRANCH}${slugOf(req.module ?? title)}`;
    if (await tip(`refs/heads/${branch}`)) {
      throw new RequestError('branch_exists', `branch ${branch} already exists; review it with \`orch plan diff ${branch}\`, merge or delete it (git branch -D ${branch}), then run decompose again`, 409);
    }
    const current = await check(base, []);
    if (current.errors.length > 0) {
      throw new RequestError('plan_invalid', `the plan on ${d.targetBranch} is invalid (${current.errors[0]!.file}:${current.errors[0]!.line}: ${current.errors[0]!.message}); fix it first (\`orch sync\` lists every problem)`, 409);
    }
    const fail = (attempts: number, error: string | null, issues: PlanIssue[], problems: string[]): DecomposeResult => ({
      ok: false, branch: null, target: d.targetBranch, commit: null, files: [], diff: null, attempts, issues, problems, error,
    });

    const first = decomposePrompt({ spec: req.spec, name: req.name, plansDir: d.plansDir, ...(req.module ? { module: req.module } : {}), existing: current.after.tasks });
    let prompt = first;
    let session: string | undefined;
    let last = { issues: [] as PlanIssue[], problems: [] as string[] };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let answer: { text: string; sessionId?: string };
      try {
        answer = await d.ask(prompt, session).catch((e: unknown) => {
          if (!session) throw e;
          // A session that cannot be resumed (a CLI that keeps none): a new one gets the whole request again.
          d.log(`plan decompose: resuming the planner failed (${e instanceof Error ? e.message : String(e)}); asking anew`);
          return d.ask(`${first}\n\n${prompt}`);
        });
      } catch (e) {
        return fail(attempt, e instanceof Error ? e.message : String(e), last.issues, last.problems);
      }
      session = answer.sessionId ?? session;
      const proposal = parseProposal(answer.text, d.plansDir, req.module);
      const checked = proposal.files.length > 0 ? await check(base, proposal.files) : undefined;
      const issues = checked?.errors ?? [];
      if (proposal.problems.length === 0 && checked && issues.length === 0) {
        const diff = diffPlans(checked.before.tasks, checked.after.tasks);
        const readme = d.statusTable === false ? undefined : await statusRows(base, proposal.files, checked.after, diff.added.map((t) => t.id));
        const written = readme ? [...proposal.files.filter((f) => f.path !== readme.path), readme] : proposal.files;
        const files = await Promise.all(
          written.map(async (f) => ({ path: f.path, change: (await d.git.run(['cat-file', '-e', `${base}:${f.path}`], { cwd: d.root })).exitCode === 0 ? ('changed' as const) : ('added' as const) })),
        );
        const made = await commitFilesOnto(d.git, d.root, {
          target: base,
          files: written,
          message: `docs(plan): decompose ${req.name} into ${diff.added.length} epics\n\nProposed by Orch's planner role for review (orch plan decompose); merging this branch is a person's decision.`,
        });
        // An empty old value: the ref is created only if it still does not exist.
        const ref = await d.git.run(['update-ref', `refs/heads/${branch}`, made.commit, ''], { cwd: d.root });
        if (ref.exitCode !== 0) throw new RequestError('branch_exists', `branch ${branch} appeared meanwhile; run decompose again`, 409);
        d.log(`plan decompose: ${branch} at ${made.commit.slice(0, 7)} (${files.length} files, attempt ${attempt})`);
        return {
          ok: true, branch, target: d.targetBranch, commit: made.commit, files, attempts: attempt, issues: [], problems: [], error: null,
          diff: { branch, target: d.targetBranch, base, ...diff, issues: [] },
        };
      }
      last = { issues, problems: proposal.problems };
      d.log(`plan decompose: attempt ${attempt} invalid (${proposal.problems.length + issues.length} problems)`);
      prompt = retryPrompt(proposal.problems, issues);
    }
    return fail(maxAttempts, `the planner's proposal was still invalid after ${maxAttempts} attempts`, last.issues, last.problems);
  }

  /** What `branch` changes in the plan since it left the target (`branch` "" = the only plan/ branch). */
  async function diff(branchArg: string): Promise<PlanDiff> {
    let branch = branchArg.replace(/^refs\/heads\//, '');
    if (!branch) {
      const r = await d.git.run(['for-each-ref', '--format=%(refname:short)', `refs/heads/${PLAN_BRANCH}`], { cwd: d.root });
      const all = r.stdout.split('\n').filter(Boolean);
      if (all.length === 0) throw new RequestError('no_plan_branch', 'there is no plan/ branch; `orch plan decompose FILE` makes one', 404);
      if (all.length > 1) throw new RequestError('which_branch', `several plan branches: ${all.join(', ')}; name one: orch plan diff <branch>`);
      branch = all[0]!;
    }
    const head = await tip(`refs/heads/${branch}`);
    if (!head) throw new RequestError('unknown_branch', `there is no branch ${branch}; \`git branch --list 'plan/*'\` lists the plan branches`, 404);
    const target = await tip(`refs/heads/${d.targetBranch}`);
    const mb = target ? await d.git.run(['merge-base', target, head], { cwd: d.root }) : undefined;
    const base = mb?.exitCode === 0 ? mb.stdout.trim() : head;
    const [before, after] = await Promise.all([planAt(d.git, d.root, base, d.plansDir, d.scratchDir), planAt(d.git, d.root, head, d.plansDir, d.scratchDir)]);
    try {
      const [a, b] = await Promise.all([parseTree(before.dir, d.plansDir), parseTree(after.dir, d.plansDir)]);
      return { branch, target: d.targetBranch, base, ...diffPlans(a.tasks, b.tasks), issues: b.issues.filter((i) => i.severity === 'error') };
    } finally {
      before.dispose();
      after.dispose();
    }
  }

  return { decompose, diff };
}

export type Decomposer = ReturnType<typeof createDecomposer>;
