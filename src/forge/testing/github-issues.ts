// Issues, their labels and comments on the GitHub test server (for the GitHub-issues plan source). Shapes are
// filled and checked against GitHub's OpenAPI description by the server, like every other route.
import { error, iso, userJson, writeGuard, type Ctx, type Reply, type RepoState, type TestIssue } from './github-state.js';

const issueJson = (ctx: Ctx, issue: TestIssue) => {
  const { owner, repo } = ctx.repo;
  const comments = ctx.repo.comments.get(issue.number) ?? [];
  return {
    id: issue.number,
    node_id: `I_${issue.number}`,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? null,
    state: issue.state,
    state_reason: issue.stateReason,
    labels: (ctx.repo.labels.get(issue.number) ?? []).map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })),
    comments: comments.length,
    user: userJson(owner),
    url: `${ctx.apiUrl}/repos/${owner}/${repo}/issues/${issue.number}`,
    html_url: `${ctx.webUrl}/${owner}/${repo}/issues/${issue.number}`,
    created_at: iso(0),
    updated_at: iso(ctx.now()),
    closed_at: issue.state === 'closed' ? iso(ctx.now()) : null,
  };
};

const findIssue = (repo: RepoState, n: string | undefined): TestIssue | undefined => repo.issues.find((i) => i.number === Number(n));

export const issueHandlers: Record<string, (ctx: Ctx) => Promise<Reply>> = {
  'GET /repos/{owner}/{repo}/issues': async (ctx) => {
    const state = ctx.query.get('state') ?? 'open';
    const labels = (ctx.query.get('labels') ?? '').split(',').map((l) => l.trim()).filter(Boolean);
    const perPage = Math.min(100, Number(ctx.query.get('per_page') ?? 30));
    const page = Math.max(1, Number(ctx.query.get('page') ?? 1));
    const all = ctx.repo.issues
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => labels.every((l) => (ctx.repo.labels.get(i.number) ?? []).includes(l)))
      .sort((a, b) => b.number - a.number);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length) {
      const next = new URL(`${ctx.apiUrl}/repos/${ctx.repo.owner}/${ctx.repo.repo}/issues`);
      for (const [k, v] of ctx.query) next.searchParams.set(k, v);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    return { status: 200, body: slice.map((i) => issueJson(ctx, i)), headers };
  },

  'GET /repos/{owner}/{repo}/issues/{issue_number}': async (ctx) => {
    const issue = findIssue(ctx.repo, ctx.params.issue_number);
    return issue ? { status: 200, body: issueJson(ctx, issue) } : error(404, 'Not Found');
  },

  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': async (ctx) => {
    const n = Number(ctx.params.issue_number);
    if (!findIssue(ctx.repo, ctx.params.issue_number)) return error(404, 'Not Found');
    const { owner, repo } = ctx.repo;
    const body = (ctx.repo.comments.get(n) ?? []).map((text, i) => ({
      id: i + 1,
      node_id: `IC_${n}_${i + 1}`,
      body: text,
      user: userJson(ctx.user.login),
      url: `${ctx.apiUrl}/repos/${owner}/${repo}/issues/comments/${i + 1}`,
      html_url: `${ctx.webUrl}/${owner}/${repo}/issues/${n}#comment-${i + 1}`,
      issue_url: `${ctx.apiUrl}/repos/${owner}/${repo}/issues/${n}`,
      created_at: iso(0),
      updated_at: iso(0),
      author_association: 'OWNER',
    }));
    return { status: 200, body };
  },

  'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}': async (ctx) => {
    const denied = writeGuard(ctx);
    if (denied) return denied;
    const n = Number(ctx.params.issue_number);
    const labels = ctx.repo.labels.get(n) ?? [];
    if (!labels.includes(ctx.params.name ?? '')) return error(404, 'Label does not exist');
    const left = labels.filter((l) => l !== ctx.params.name);
    ctx.repo.labels.set(n, left);
    return { status: 200, body: left.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })) };
  },
};
