import { ForgeError } from '../errors.js';
import type { ChecksSummary, Forge, MergeResult, PullRequestInfo, PullRequestRef, RetryOptions } from '../types.js';
import { combineChecks } from './checks.js';
import { createGitHubClient, type RetryEvent } from './client.js';
import { preflight } from './preflight.js';

export interface GitHubForgeOptions {
  owner: string;
  repo: string;
  token: string;
  /** GitHub Enterprise Server: `https://HOST/api/v3`. Default `https://api.github.com`. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
  onRetry?: (event: RetryEvent) => void;
}

const isStatus = (error: unknown, ...statuses: number[]): error is ForgeError => error instanceof ForgeError && statuses.includes(error.status);

export function createGitHubForge(options: GitHubForgeOptions): Forge {
  const client = createGitHubClient(options);
  const { octokit, call } = client;
  const repo = { owner: options.owner, repo: options.repo };

  const pullsForHead = (head: string, state: 'open' | 'closed') =>
    call('GET /repos/{owner}/{repo}/pulls', (signal) =>
      octokit.request('GET /repos/{owner}/{repo}/pulls', { ...repo, head: `${options.owner}:${head}`, state, per_page: 100, request: { signal } }),
    );

  async function findExisting(head: string): Promise<PullRequestRef | undefined> {
    const open = (await pullsForHead(head, 'open')).data[0];
    if (open) return { number: open.number, url: open.html_url, created: false, headSha: open.head.sha, state: 'open' };
    const merged = (await pullsForHead(head, 'closed')).data.find((pr) => pr.merged_at !== null);
    if (merged) return { number: merged.number, url: merged.html_url, created: false, headSha: merged.head.sha, state: 'merged' };
    return undefined;
  }

  return {
    kind: 'github',

    preflight: () => preflight(client, repo),

    // Look before creating: a crash between push and create, or a retried POST that did reach GitHub,
    // must find the first pull request instead of opening a second one.
    async findOrCreatePullRequest(input) {
      const existing = await findExisting(input.head);
      if (existing) return existing;
      try {
        const { data } = await call('POST /repos/{owner}/{repo}/pulls', (signal) =>
          octokit.request('POST /repos/{owner}/{repo}/pulls', {
            ...repo,
            head: input.head,
            base: input.base,
            title: input.title,
            body: input.body,
            draft: input.draft ?? false,
            request: { signal },
          }),
        );
        return { number: data.number, url: data.html_url, created: true, headSha: data.head.sha, state: 'open' };
      } catch (error) {
        if (isStatus(error, 422) && /already exists/i.test(error.message)) {
          const raced = await findExisting(input.head);
          if (raced) return raced;
        }
        throw error;
      }
    },

    async getPullRequest(number): Promise<PullRequestInfo> {
      const { data } = await call('GET /repos/{owner}/{repo}/pulls/{pull_number}', (signal) =>
        octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: number, request: { signal } }),
      );
      const state = data.merged || data.merged_at ? 'merged' : data.state === 'open' ? 'open' : 'closed';
      return {
        number: data.number,
        url: data.html_url,
        state,
        mergeable: data.mergeable,
        headSha: data.head.sha,
        headRef: data.head.ref,
        baseRef: data.base.ref,
        labels: data.labels.map((label) => label.name),
        ...(state === 'merged' && data.merge_commit_sha ? { mergeCommitSha: data.merge_commit_sha } : {}),
      };
    },

    async checksFor(sha): Promise<ChecksSummary> {
      const runs = [];
      for (let page = 1; ; page++) {
        const { data } = await call('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', (signal) =>
          octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ...repo, ref: sha, filter: 'latest', per_page: 100, page, request: { signal } }),
        );
        runs.push(...data.check_runs);
        if (data.check_runs.length < 100 || runs.length >= data.total_count) break;
      }
      const { data: combined } = await call('GET /repos/{owner}/{repo}/commits/{ref}/status', (signal) =>
        octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/status', { ...repo, ref: sha, per_page: 100, request: { signal } }),
      );
      return combineChecks(runs, combined.statuses);
    },

    async addLabels(number, labels) {
      if (labels.length === 0) return;
      await call('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', (signal) =>
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { ...repo, issue_number: number, labels: [...labels], request: { signal } }),
      );
    },

    async updatePullRequestBody(number, body) {
      await call('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', (signal) =>
        octokit.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: number, body, request: { signal } }),
      );
    },

    async comment(number, body) {
      await call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', (signal) =>
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: number, body, request: { signal } }),
      );
    },

    async mergePullRequest(number, merge): Promise<MergeResult> {
      try {
        const { data } = await call('PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', (signal) =>
          octokit.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', {
            ...repo,
            pull_number: number,
            merge_method: merge.method,
            ...(merge.sha ? { sha: merge.sha } : {}),
            ...(merge.title ? { commit_title: merge.title } : {}),
            ...(merge.message ? { commit_message: merge.message } : {}),
            request: { signal },
          }),
        );
        return data.merged ? { merged: true, sha: data.sha, message: data.message } : { merged: false, message: data.message, reason: 'not-mergeable' };
      } catch (error) {
        // Expected refusals are values: the caller waits, rebases or asks a human.
        if (isStatus(error, 405)) return { merged: false, message: error.message, reason: 'not-mergeable' };
        if (isStatus(error, 409)) return { merged: false, message: error.message, reason: 'head-moved' };
        if (isStatus(error, 403)) return { merged: false, message: error.message, reason: 'forbidden' };
        throw error;
      }
    },

    async deleteBranch(branch) {
      try {
        await call('DELETE /repos/{owner}/{repo}/git/refs/{ref}', (signal) =>
          octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref: `heads/${branch}`, request: { signal } }),
        );
        return { deleted: true };
      } catch (error) {
        // GitHub answers 422 "Reference does not exist" (and sometimes 404) for a branch already deleted,
        // e.g. by the repository's "delete head branches" setting right after the merge.
        if (isStatus(error, 404) || (isStatus(error, 422) && /does not exist/i.test(error.message))) return { deleted: false };
        throw error;
      }
    },

    async closeIssue(number, comment) {
      if (comment) {
        await call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', (signal) =>
          octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: number, body: comment, request: { signal } }),
        );
      }
      await call('PATCH /repos/{owner}/{repo}/issues/{issue_number}', (signal) =>
        octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { ...repo, issue_number: number, state: 'closed', state_reason: 'completed', request: { signal } }),
      );
    },
  };
}
