import { createRedactor, type Redactor } from '../secrets/index.js';
import { createGitHubForge, discoverToken, hostOfBaseUrl, parseRemoteUrl, pushBranch, remoteMayGetCredentials, repositoryFromRemote, tokenVariables } from '../forge/index.js';
import type { GitRunner } from '../git/index.js';
import type { Config } from '../config/index.js';
import type { ForgePort } from '../engine/index.js';

type Ready = { ok: true; detail: string } | { ok: false; problem: string; fix: string };

/**
 * The GitHub forge bound to this repository. Everything that can be wrong (token, scopes, remote, repository) is
 * found by `preflight` before any run starts, and reported with the fix; nothing is pushed half-way.
 */
export function createGitHubPort(git: GitRunner, root: string, cfg: Config['forge'], env: NodeJS.ProcessEnv, redact: Redactor = createRedactor()): ForgePort {
  const baseUrl = cfg.base_url || undefined;
  const host = hostOfBaseUrl(baseUrl);
  let forge: ReturnType<typeof createGitHubForge> | undefined;
  let owner = cfg.owner;
  let repo = cfg.repo;
  let ready: Promise<Ready> | undefined;

  const setup = async (): Promise<Ready> => {
    if (!owner || !repo) {
      const r = await repositoryFromRemote(git, root, { host, remote: cfg.remote });
      if (!r.ok) return { ok: false, problem: r.problem, fix: r.fix };
      owner ||= r.owner;
      repo ||= r.repo;
    } else {
      // Explicit owner/repo: a remote that is a URL must still be on the configured forge (a local mirror path is fine).
      const url = (await git.run(['remote', 'get-url', cfg.remote], { cwd: root })).stdout.trim();
      if (!url) return { ok: false, problem: `the repository has no \`${cfg.remote}\` remote`, fix: `git remote add ${cfg.remote} https://${host}/${owner}/${repo}.git` };
      const parsed = parseRemoteUrl(url);
      if (parsed && parsed.host !== host) {
        return { ok: false, problem: `the \`${cfg.remote}\` remote is on ${parsed.host} but the configured forge is ${host}`, fix: `set forge.base_url for ${parsed.host}, or point ${cfg.remote} at ${host}` };
      }
    }
    const token = await discoverToken({ env, host });
    if (!('token' in token)) return { ok: false, problem: token.problem, fix: token.fix };
    redact.add(token.token);
    forge = createGitHubForge({ owner, repo, token: token.token, baseUrl, timeoutMs: cfg.request_timeout_seconds * 1000 });
    const pre = await forge.preflight();
    return pre.ok ? { ok: true, detail: `${host}/${owner}/${repo} as ${pre.login} (token from ${token.source})` } : pre;
  };
  const need = async () => {
    const r = await (ready ??= setup());
    if (!r.ok || !forge) throw new Error(r.ok ? 'forge not ready' : `${r.problem}; ${r.fix}`);
    return forge;
  };

  return {
    kind: 'github',
    preflight: () => (ready ??= setup()),
    async fetchTarget(target) {
      const credentials = (await remoteMayGetCredentials(git, root, { remote: cfg.remote, host, direction: 'fetch' })) ? tokenVariables(host) : false;
      await git.run(['fetch', '--quiet', cfg.remote, `+refs/heads/${target}:refs/remotes/${cfg.remote}/${target}`], { cwd: root, timeoutMs: 120_000, credentials });
      const r = await git.run(['rev-parse', '--verify', '--quiet', `refs/remotes/${cfg.remote}/${target}^{commit}`], { cwd: root });
      return r.exitCode === 0 ? r.stdout.trim() : undefined;
    },
    async push(branch) {
      const credentials = (await remoteMayGetCredentials(git, root, { remote: cfg.remote, host, direction: 'push' })) ? tokenVariables(host) : false;
      const r = await pushBranch(git, root, { remote: cfg.remote, branch, force: 'with-lease', credentials });
      return r.ok ? { ok: true, sha: r.sha } : { ok: false, detail: `${r.reason}: ${'detail' in r ? String(r.detail) : ''}` };
    },
    async ensurePr(o) {
      const pr = await (await need()).findOrCreatePullRequest({ ...o, title: redact(o.title), body: redact(o.body) });
      return { number: pr.number, url: pr.url, state: pr.state };
    },
    async updatePrBody(n, body) {
      await (await need()).updatePullRequestBody(n, redact(body));
    },
    async pr(n) {
      const p = await (await need()).getPullRequest(n);
      return { state: p.state, mergeable: p.mergeable, headSha: p.headSha, mergeCommitSha: p.mergeCommitSha };
    },
    async checks(sha) {
      const c = await (await need()).checksFor(sha);
      return { state: c.state, failing: c.failing.map((f) => ({ name: f.name, summary: f.summary, url: f.url })) };
    },
    async addLabels(n, labels) {
      await (await need()).addLabels(n, labels);
    },
    async merge(n, o) {
      const r = await (await need()).mergePullRequest(n, { method: 'squash', sha: o.sha, title: o.title });
      return r.merged ? { merged: true, sha: r.sha } : { merged: false, reason: r.reason, message: r.message };
    },
    async deleteBranch(branch) {
      await (await need()).deleteBranch(branch);
    },
    fileUrl: (target, path) => `https://${host}/${owner}/${repo}/blob/${target}/${path}`,
  };
}
