import type { GitHubClient } from '../../forge/github/client.js';

export interface IssueRecord {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  url: string;
}

/** The few issue calls the source makes, so the source is testable against any implementation. */
export interface IssuesApi {
  /** Issues (not pull requests) with `label`, open and closed. */
  listLabelled(label: string): Promise<IssueRecord[]>;
  get(number: number): Promise<IssueRecord | undefined>;
  comments(number: number): Promise<string[]>;
  comment(number: number, body: string): Promise<void>;
  addLabel(number: number, label: string): Promise<void>;
  close(number: number): Promise<void>;
}

interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
  pull_request?: unknown;
  labels: Array<string | { name?: string | null }>;
}

const record = (i: RawIssue): IssueRecord => ({
  number: i.number,
  title: i.title,
  body: i.body ?? '',
  state: i.state === 'closed' ? 'closed' : 'open',
  labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
  url: i.html_url,
});

/** Octokit through the forge's client: rate-limit waits and retries included. */
export function octokitIssues(client: GitHubClient, owner: string, repo: string): IssuesApi {
  const o = client.octokit;
  return {
    async listLabelled(label) {
      const out: IssueRecord[] = [];
      for (let page = 1; page <= 50; page++) {
        const r = await client.call('list issues', (signal) => o.rest.issues.listForRepo({ owner, repo, labels: label, state: 'all', per_page: 100, page, request: { signal } }));
        out.push(...(r.data as RawIssue[]).filter((i) => !i.pull_request).map(record));
        if (r.data.length < 100) break;
      }
      return out;
    },
    async get(number) {
      try {
        const r = await client.call('get issue', (signal) => o.rest.issues.get({ owner, repo, issue_number: number, request: { signal } }));
        return record(r.data as RawIssue);
      } catch (e) {
        if ((e as { status?: number }).status === 404) return undefined;
        throw e;
      }
    },
    async comments(number) {
      const r = await client.call('list comments', (signal) => o.rest.issues.listComments({ owner, repo, issue_number: number, per_page: 100, request: { signal } }));
      return r.data.map((c) => c.body ?? '');
    },
    async comment(number, body) {
      await client.call('comment', (signal) => o.rest.issues.createComment({ owner, repo, issue_number: number, body, request: { signal } }));
    },
    async addLabel(number, label) {
      await client.call('label issue', (signal) => o.rest.issues.addLabels({ owner, repo, issue_number: number, labels: [label], request: { signal } }));
    },
    async close(number) {
      await client.call('close issue', (signal) => o.rest.issues.update({ owner, repo, issue_number: number, state: 'closed', state_reason: 'completed', request: { signal } }));
    },
  };
}
