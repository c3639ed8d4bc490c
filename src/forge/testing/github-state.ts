// In-memory GitHub for the test server: users, repositories backed by bare git repositories, pull
// requests, issues, labels, check runs and statuses. Handlers return overlays the server fills and validates.
import { issueHandlers } from './github-issues.js';
import { squashMerge, type Git } from '../../git/index.js';

export interface TestUser {
  login: string;
  token: string;
  /** Classic token scopes, sent as `x-oauth-scopes`; undefined for a fine-grained token (no header). */
  scopes?: string[];
}

export type Permission = 'read' | 'write' | 'admin';

export interface TestRepoInput {
  owner: string;
  repo: string;
  /** Bare repository used as `origin`. */
  bare: string;
  private?: boolean;
  defaultBranch?: string;
  /** Login → permission; logins not listed may read public repositories only. */
  permissions: Record<string, Permission>;
}

export interface TestCheckRun {
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';
  title?: string;
  summary?: string;
  url?: string;
}

export interface TestStatus {
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description?: string;
  targetUrl?: string;
}

export interface TestPull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  /** Head sha when the branch is gone (after merge and delete). */
  lastHeadSha: string;
  user: string;
}

export interface TestIssue {
  number: number;
  title: string;
  state: 'open' | 'closed';
  stateReason: string | null;
  body?: string;
}

export interface RepoState extends Required<Omit<TestRepoInput, 'permissions'>> {
  permissions: Record<string, Permission>;
  pulls: TestPull[];
  issues: TestIssue[];
  labels: Map<number, string[]>;
  comments: Map<number, string[]>;
  checkRuns: Map<string, TestCheckRun[]>;
  statuses: Map<string, TestStatus[]>;
  nextNumber: number;
}

export interface Reply {
  status: number;
  /** Overlay on the schema-filled body; undefined for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Ctx {
  user: TestUser;
  repo: RepoState;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  git: Git;
  apiUrl: string;
  webUrl: string;
  now: () => number;
}

export const error = (status: number, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { message, documentation_url: 'https://docs.github.com/rest', ...extra },
});

export const canPush = (ctx: Pick<Ctx, 'user' | 'repo'>) => ['write', 'admin'].includes(ctx.repo.permissions[ctx.user.login] ?? '');

async function tip(ctx: Ctx, branch: string): Promise<string | undefined> {
  const r = await ctx.git.run(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: ctx.repo.bare });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Resolves a branch name or sha the way GitHub's `{ref}` does. */
async function commitOf(ctx: Ctx, ref: string): Promise<string | undefined> {
  const r = await ctx.git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: ctx.repo.bare });
  return r.exitCode === 0 ? r.stdout.trim() : tip(ctx, ref);
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export function userJson(login: string) {
  return { login, id: 1, type: 'User' };
}

async function pullJson(ctx: Ctx, pr: TestPull, full: boolean) {
  const headSha = (await tip(ctx, pr.head)) ?? pr.lastHeadSha;
  const baseSha = (await tip(ctx, pr.base)) ?? '0'.repeat(40);
  const { owner, repo } = ctx.repo;
  const json: Record<string, unknown> = {
    number: pr.number,
    state: pr.state,
    title: pr.title,
    body: pr.body,
    draft: pr.draft,
    url: `${ctx.apiUrl}/repos/${owner}/${repo}/pulls/${pr.number}`,
    html_url: `${ctx.webUrl}/${owner}/${repo}/pull/${pr.number}`,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    user: userJson(pr.user),
    labels: (ctx.repo.labels.get(pr.number) ?? []).map((name) => ({ name })),
    head: { ref: pr.head, sha: headSha, label: `${owner}:${pr.head}`, user: userJson(owner) },
    base: { ref: pr.base, sha: baseSha, label: `${owner}:${pr.base}`, user: userJson(owner) },
  };
  if (full) {
    json.merged = pr.merged;
    json.mergeable = pr.state === 'open' ? await mergeable(ctx, baseSha, headSha) : null;
  }
  return json;
}

async function mergeable(ctx: Ctx, base: string, head: string): Promise<boolean> {
  const r = await ctx.git.run(['merge-tree', '--write-tree', '--name-only', '-z', base, head], { cwd: ctx.repo.bare });
  return r.exitCode === 0;
}

function findPull(ctx: Ctx): TestPull | undefined {
  return ctx.repo.pulls.find((p) => p.number === Number(ctx.params.pull_number));
}

export const writeGuard = (ctx: Ctx): Reply | undefined => (canPush(ctx) ? undefined : error(403, 'Must have push access to repository'));

export const handlers: Record<string, (ctx: Ctx) => Promise<Reply>> = {
  ...issueHandlers,
  'GET /user': async (ctx) => ({ status: 200, body: userJson(ctx.user.login) }),

  'GET /repos/{owner}/{repo}': async (ctx) => {
    const p = ctx.repo.permissions[ctx.user.login];
    const { owner, repo } = ctx.repo;
    return {
      status: 200,
      body: {
        name: repo,
        full_name: `${owner}/${repo}`,
        private: ctx.repo.private,
        owner: userJson(owner),
        default_branch: ctx.repo.defaultBranch,
        html_url: `${ctx.webUrl}/${owner}/${repo}`,
        permissions: { pull: true, triage: p !== undefined && p !== 'read', push: p === 'write' || p === 'admin', maintain: p === 'admin', admin: p === 'admin' },
      },
    };
  },

  'GET /repos/{owner}/{repo}/pulls': async (ctx) => {
    const state = ctx.query.get('state') ?? 'open';
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    const pulls = ctx.repo.pulls.filter(
      (p) => (state === 'all' || p.state === state) && (!head || `${ctx.repo.owner}:${p.head}` === head) && (!base || p.base === base),
    );
    return { status: 200, body: await Promise.all(pulls.map((p) => pullJson(ctx, p, false))) };
  },

  'POST /repos/{owner}/{repo}/pulls': async (ctx) => {
    const denied = writeGuard(ctx);
    if (denied) return denied;
    const head = String(ctx.body.head).replace(new RegExp(`^${ctx.repo.owner}:`), '');
    const base = String(ctx.body.base);
    const invalid = (field: string) => error(422, 'Validation Failed', { errors: [{ resource: 'PullRequest', field, code: 'invalid' }] });
    const headSha = await tip(ctx, head);
    if (!headSha) return invalid('head');
    if (!(await tip(ctx, base))) return invalid('base');
    if (ctx.repo.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
      return error(422, 'Validation Failed', { errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${ctx.repo.owner}:${head}.` }] });
    }
    const pr: TestPull = {
      number: ctx.repo.nextNumber++,
      head,
      base,
      title: String(ctx.body.title ?? ''),
      body: String(ctx.body.body ?? ''),
      draft: ctx.body.draft === true,
      state: 'open',
      merged: false,
      mergedAt: null,
      mergeCommitSha: null,
      lastHeadSha: headSha,
      user: ctx.user.login,
    };
    ctx.repo.pulls.push(pr);
    return { status: 201, body: await pullJson(ctx, pr, true) };
  },

  'GET /repos/{owner}/{repo}/pulls/{pull_number}': async (ctx) => {
    const pr = findPull(ctx);
    return pr ? { status: 200, body: await pullJson(ctx, pr, true) } : error(404, 'Not Found');
  },

  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': async (ctx) => {
    const denied = writeGuard(ctx);
    if (denied) return denied;
    const pr = findPull(ctx);
    if (!pr) return error(404, 'Not Found');
    if (typeof ctx.body.title === 'string') pr.title = ctx.body.title;
    if (typeof ctx.body.body === 'string') pr.body = ctx.body.body;
    return { status: 200, body: await pullJson(ctx, pr, true) };
  },

  // GitHub merges one pull request into a branch at a time: two concurrent merges must not race on the base ref.
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge': (ctx) => serialized(ctx.repo, () => mergePull(ctx)),

  'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': async (ctx) => {
    const sha = await commitOf(ctx, ctx.params.ref ?? '');
    if (!sha) return error(422, `No commit found for SHA: ${ctx.params.ref ?? ''}`);
    const runs = ctx.repo.checkRuns.get(sha) ?? [];
    return {
      status: 200,
      body: {
        total_count: runs.length,
        check_runs: runs.map((run, i) => ({
          id: i + 1,
          name: run.name,
          head_sha: sha,
          status: run.status,
          conclusion: run.status === 'completed' ? (run.conclusion ?? 'success') : null,
          html_url: run.url ?? null,
          details_url: run.url ?? null,
          output: { title: run.title ?? null, summary: run.summary ?? null, text: null, annotations_count: 0, annotations_url: `${ctx.apiUrl}/annotations` },
        })),
      },
    };
  },

  'GET /repos/{owner}/{repo}/commits/{ref}/status': async (ctx) => {
    const sha = await commitOf(ctx, ctx.params.ref ?? '');
    if (!sha) return error(404, 'Not Found');
    const statuses = ctx.repo.statuses.get(sha) ?? [];
    const states = new Set(statuses.map((s) => s.state));
    const state = states.has('failure') || states.has('error') ? 'failure' : states.has('pending') || statuses.length === 0 ? 'pending' : 'success';
    return {
      status: 200,
      body: {
        state,
        sha,
        total_count: statuses.length,
        statuses: statuses.map((s, i) => ({ id: i + 1, context: s.context, state: s.state, description: s.description ?? null, target_url: s.targetUrl ?? null })),
      },
    };
  },

  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': async (ctx) => {
    const denied = writeGuard(ctx);
    if (denied) return denied;
    const number = Number(ctx.params.issue_number);
    if (!exists(ctx.repo, number)) return error(404, 'Not Found');
    const raw = Array.isArray(ctx.body) ? ctx.body : (ctx.body.labels as unknown[]);
    const names = raw.map((l) => (typeof l === 'string' ? l : String((l as { name: unknown }).name)));
    const labels = [...new Set([...(ctx.repo.labels.get(number) ?? []), ...names])];
    ctx.repo.labels.set(number, labels);
    return { status: 200, body: labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })) };
  },

  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': async (ctx) => {
    const number = Number(ctx.params.issue_number);
    if (!exists(ctx.repo, number)) return error(404, 'Not Found');
    const comments = ctx.repo.comments.get(number) ?? [];
    comments.push(String(ctx.body.body));
    ctx.repo.comments.set(number, comments);
    const { owner, repo } = ctx.repo;
    return { status: 201, body: { id: comments.length, body: String(ctx.body.body), user: userJson(ctx.user.login), html_url: `${ctx.webUrl}/${owner}/${repo}/issues/${number}#comment-${comments.length}` } };
  },

  'PATCH /repos/{owner}/{repo}/issues/{issue_number}': async (ctx) => {
    const denied = writeGuard(ctx);
    if (denied) return denied;
    const issue = ctx.repo.issues.find((i) => i.number === Number(ctx.params.issue_number));
    if (!issue) return error(404, 'Not Found');
    if (ctx.body.state === 'open' || ctx.body.state === 'closed') issue.state = ctx.body.state;
    if (typeof ctx.body.state_reason === 'string') issue.stateReason = ctx.body.state_reason;
    const { owner, repo } = ctx.repo;
    return {
      status: 200,
      body: { number: issue.number, title: issue.title, state: issue.state, state_reason: issue.stateReason, html_url: `${ctx.webUrl}/${owner}/${repo}/issues/${issue.number}`, user: userJson(owner) },
    };
  },

  'DELETE /repos/{owner}/{repo}/git/refs/{ref}': async (ctx) => {
    const denied = writeGuard(ctx);
    if (denied) return denied;
    const ref = `refs/${ctx.params.ref ?? ''}`;
    const r = await ctx.git.run(['rev-parse', '--verify', '--quiet', ref], { cwd: ctx.repo.bare });
    if (r.exitCode !== 0) return error(422, 'Reference does not exist');
    await ctx.git.ok(['update-ref', '-d', ref], { cwd: ctx.repo.bare });
    return { status: 204 };
  },
};

function exists(repo: RepoState, number: number): boolean {
  return repo.pulls.some((p) => p.number === number) || repo.issues.some((i) => i.number === number);
}

const queues = new WeakMap<RepoState, Promise<unknown>>();
function serialized<T>(repo: RepoState, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(repo) ?? Promise.resolve()).then(fn, fn);
  queues.set(repo, run.catch(() => undefined));
  return run;
}

async function mergePull(ctx: Ctx): Promise<Reply> {
  const denied = writeGuard(ctx);
  if (denied) return denied;
  const pr = findPull(ctx);
  if (!pr) return error(404, 'Not Found');
  if (pr.state !== 'open') return error(405, 'Pull Request is not mergeable');
  const headSha = await tip(ctx, pr.head);
  if (!headSha) return error(405, 'Pull Request is not mergeable');
  if (typeof ctx.body.sha === 'string' && ctx.body.sha !== headSha) return error(409, 'Head branch was modified. Review and try the merge again.');
  const method = ctx.body.merge_method ?? 'merge';
  if (method !== 'squash') return error(405, `The test server only implements squash merges, not ${String(method)}`);
  const title = typeof ctx.body.commit_title === 'string' ? ctx.body.commit_title : `${pr.title} (#${pr.number})`;
  const message = typeof ctx.body.commit_message === 'string' ? `${title}\n\n${ctx.body.commit_message}` : title;
  const result = await squashMerge(ctx.git, ctx.repo.bare, { target: pr.base, source: headSha, message });
  if (!result.ok) return error(405, 'Pull Request is not mergeable');
  await ctx.git.ok(['update-ref', `refs/heads/${pr.base}`, result.commit, result.parent], { cwd: ctx.repo.bare });
  Object.assign(pr, { state: 'closed', merged: true, mergedAt: iso(ctx.now()), mergeCommitSha: result.commit, lastHeadSha: headSha });
  return { status: 200, body: { sha: result.commit, merged: true, message: 'Pull Request successfully merged' } };
}
