import { ForgeError } from '../errors.js';
import type { PreflightResult } from '../types.js';
import type { GitHubClient } from './client.js';

const TOKEN_FIX = 'set GITHUB_TOKEN (or GH_TOKEN; GH_ENTERPRISE_TOKEN for a host other than github.com) to a token with the `repo` scope, or run `gh auth login`';

/** `x-oauth-scopes` is sent for classic tokens only; fine-grained and app tokens have none. */
function scopesOf(headers: Record<string, string | number | undefined>): string[] | undefined {
  const value = headers['x-oauth-scopes'];
  if (value === undefined) return undefined;
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Classic scope a repository of this visibility needs for pushing and pull requests. */
function missingScope(scopes: string[] | undefined, isPrivate: boolean | undefined): string | undefined {
  if (scopes === undefined || scopes.includes('repo')) return undefined;
  if (isPrivate === false && scopes.includes('public_repo')) return undefined;
  return isPrivate === false ? 'public_repo' : 'repo';
}

function asProblem(error: unknown, what: string): PreflightResult {
  if (!(error instanceof ForgeError)) throw error;
  if (error.status === 401) return { ok: false, problem: `GitHub rejected the token (401 on ${what})`, fix: TOKEN_FIX };
  return { ok: false, problem: error.message, fix: error.status === 0 ? 'check the network and forge.base_url' : TOKEN_FIX };
}

export async function preflight(client: GitHubClient, repo: { owner: string; repo: string }): Promise<PreflightResult> {
  const { octokit, call } = client;
  const slug = `${repo.owner}/${repo.repo}`;
  let login: string | undefined;
  let scopes: string[] | undefined;
  try {
    const user = await call('GET /user', (signal) => octokit.request('GET /user', { request: { signal } }));
    login = user.data.login;
    scopes = scopesOf(user.headers);
  } catch (error) {
    // Installation tokens (GitHub Actions' GITHUB_TOKEN) cannot read /user; the repository check decides.
    if (!(error instanceof ForgeError && error.status === 403 && /not accessible by integration/i.test(error.message))) return asProblem(error, 'GET /user');
  }

  let data;
  try {
    const response = await call('GET /repos/{owner}/{repo}', (signal) => octokit.request('GET /repos/{owner}/{repo}', { ...repo, request: { signal } }));
    data = response.data;
    scopes ??= scopesOf(response.headers);
  } catch (error) {
    if (error instanceof ForgeError && error.status === 404) {
      const scope = missingScope(scopes, undefined);
      return scope
        ? { ok: false, problem: `repository ${slug} is not visible to the token: it lacks the \`${scope}\` scope (it has: ${scopes?.join(', ') || 'none'})`, fix: `add the \`${scope}\` scope: \`gh auth refresh -s ${scope}\` or a new token` }
        : { ok: false, problem: `repository ${slug} was not found, or the token cannot see it`, fix: 'check forge.owner/forge.repo or the origin remote, and that the token has access to this repository' };
    }
    return asProblem(error, `GET /repos/${slug}`);
  }

  const who = login ?? 'the token';
  const scope = missingScope(scopes, data.private);
  if (scope) {
    return {
      ok: false,
      problem: `the token of ${who} lacks the \`${scope}\` scope needed to push and open pull requests on ${slug} (it has: ${scopes?.join(', ') || 'none'})`,
      fix: `add the \`${scope}\` scope: \`gh auth refresh -s ${scope}\`, or create a token with it`,
    };
  }
  if (data.permissions && !data.permissions.push) {
    return {
      ok: false,
      problem: `${who} has no push access to ${slug} (permissions: ${Object.entries(data.permissions).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none'})`,
      fix: `ask a ${slug} admin for write access, or point the origin remote at a repository ${who} can push to`,
    };
  }
  if (!data.permissions) {
    return { ok: false, problem: `GitHub did not report ${who}'s permissions on ${slug}`, fix: 'use a token of a user or app with write access to the repository' };
  }
  return { ok: true, login: login ?? 'app', ...(scopes ? { scopes } : {}) };
}
