// A GitHub REST API test server. Every request and every response is checked against GitHub's OpenAPI
// description (@octokit/openapi); a mismatch answers 500 and lands in `violations`, which tests assert empty.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGit, type Git } from '../../git/index.js';
import { handlers, type Ctx, type RepoState, type Reply, type TestCheckRun, type TestRepoInput, type TestStatus, type TestUser } from './github-state.js';
import { loadOpenApi, type Description } from './openapi.js';

export type { Permission, TestCheckRun, TestRepoInput, TestStatus, TestUser } from './github-state.js';

export interface GitHubServerOptions {
  /** Which description to validate against. Default `api.github.com`. */
  description?: Description;
  /** Path prefix of the API, `/api/v3` to act as GitHub Enterprise Server. Default none. */
  prefix?: string;
  /** Clock for timestamps and `x-ratelimit-reset`. Default Date.now. */
  now?: () => number;
  /** Runner for the bare repositories. Default createGit(). */
  git?: Git;
}

export type Failure =
  | { kind: 'status'; status: number; message?: string }
  /** Accepts the request and never answers (until the server closes). */
  | { kind: 'timeout' }
  /** Secondary rate limit: 403 with `retry-after` seconds (429 when `status` says so). */
  | { kind: 'retry-after'; seconds: number; status?: 403 | 429 }
  /** Primary rate limit: 403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds). */
  | { kind: 'rate-limit'; resetAt: number };

export interface FailureRule {
  method?: string;
  /** Matched against the path without prefix and query. */
  path?: string | RegExp;
  /** How many matching requests fail. Default 1. */
  times?: number;
  failure: Failure;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operation: string | undefined;
  status: number | 'hung';
  at: number;
}

export interface GitHubTestServer {
  /** `http://127.0.0.1:PORT` plus the prefix: pass as `baseUrl`. */
  readonly baseUrl: string;
  readonly violations: string[];
  readonly requests: RecordedRequest[];
  addUser(user: TestUser): void;
  addRepo(input: TestRepoInput): RepoState;
  repo(owner: string, repo: string): RepoState;
  /** Opens an issue (with a body and labels when given); returns its number. */
  addIssue(owner: string, repo: string, title: string, extra?: { body?: string; labels?: string[] }): number;
  setCheckRuns(owner: string, repo: string, sha: string, runs: TestCheckRun[]): void;
  setStatuses(owner: string, repo: string, sha: string, statuses: TestStatus[]): void;
  fail(rule: FailureRule): void;
  /** Withdraws every failure rule not used up yet. */
  clearFailures(): void;
  close(): Promise<void>;
}

const ROUTES = Object.keys(handlers).map((key) => {
  const [method = '', template = ''] = key.split(' ');
  // `{ref}` of git/refs holds slashes (`heads/a/b`); Octokit sends it percent-encoded, a raw client may not.
  const source = template.replace(/\{(\w+)\}/g, (_, name: string) => (template.includes('/git/refs/') && name === 'ref' ? `(?<${name}>.+)` : `(?<${name}>[^/]+)`));
  return { key, method, template, pattern: new RegExp(`^${source}$`) };
});

export async function createGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubTestServer> {
  const api = await loadOpenApi(options.description);
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const git = options.git ?? createGit();
  const users = new Map<string, TestUser>();
  const repos = new Map<string, RepoState>();
  const rules: Array<FailureRule & { left: number }> = [];
  const violations: string[] = [];
  const requests: RecordedRequest[] = [];
  const hung = new Set<ServerResponse>();
  let baseUrl = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'x-github-request-id': `TEST:${requests.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(now() / 1000) + 3600),
      ...headers,
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, operation: undefined, status: 500, at: now() };
    requests.push(record);
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      record.status = status;
      send(res, status, body, headers);
    };
    const violation = (problems: string[]) => {
      violations.push(...problems.map((p) => `${method} ${url.pathname}${url.search}: ${p}`));
      reply(500, { message: `Test server: request or response does not match GitHub's OpenAPI description:\n${problems.join('\n')}` });
    };

    if (!url.pathname.startsWith(`${prefix}/`)) return violation([`path is outside the API prefix ${prefix}`]);
    const path = url.pathname.slice(prefix.length);
    let route: (typeof ROUTES)[number] | undefined;
    let params: Record<string, string> = {};
    for (const r of ROUTES) {
      const m = r.method === method ? r.pattern.exec(path) : null;
      if (m) {
        route = r;
        params = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
        break;
      }
    }
    if (!route) return violation([`no handler for ${method} ${path} (the test server implements: ${Object.keys(handlers).join(', ')})`]);
    const op = api.operation(route.method, route.template);
    record.operation = op.operationId;

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return violation([`request body is not JSON: ${raw.slice(0, 200)}`]);
      }
    }
    const problems = op.checkRequest({ params, query: url.searchParams, body });
    if (problems.length > 0) return violation(problems);

    const rule = rules.find((r) => r.left > 0 && (!r.method || r.method === method) && (!r.path || (typeof r.path === 'string' ? r.path === path : r.path.test(path))));
    if (rule) {
      rule.left--;
      const f = rule.failure;
      switch (f.kind) {
        case 'timeout':
          record.status = 'hung';
          hung.add(res);
          res.once('close', () => hung.delete(res));
          return;
        case 'status':
          return answer(f.status, { message: f.message ?? 'Server Error' });
        case 'retry-after':
          return answer(f.status ?? 403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' }, { 'retry-after': String(f.seconds) });
        case 'rate-limit':
          return answer(403, { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(f.resetAt) });
        default:
          throw new Error(`unknown failure ${JSON.stringify(f satisfies never)}`);
      }
    }

    const auth = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const user = auth ? users.get(auth[1] ?? '') : undefined;
    if (!user) return answer(401, { message: auth ? 'Bad credentials' : 'Requires authentication', documentation_url: 'https://docs.github.com/rest' });
    const scopeHeader: Record<string, string> = user.scopes ? { 'x-oauth-scopes': user.scopes.join(', ') } : {};

    let result: Reply;
    if (route.key === 'GET /user') {
      result = await handlers[route.key]!({ user } as Ctx);
    } else {
      const repo = repos.get(`${params.owner}/${params.repo}`);
      const classicWithoutRepo = user.scopes !== undefined && !user.scopes.includes('repo');
      const visible = repo && (!repo.private || (repo.permissions[user.login] !== undefined && !classicWithoutRepo));
      if (!repo || !visible) return answer(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }, scopeHeader);
      const origin = baseUrl.slice(0, baseUrl.length - prefix.length);
      result = await handlers[route.key]!({ user, repo, params, query: url.searchParams, body: (body ?? {}) as Record<string, unknown>, git, apiUrl: baseUrl, webUrl: `${origin}/web`, now });
    }
    return answer(result.status, result.body, { ...scopeHeader, ...result.headers });

    function answer(status: number, overlay: unknown, headers?: Record<string, string>) {
      let full: unknown;
      try {
        full = op.build(status, overlay);
      } catch (error) {
        return violation([(error as Error).message]);
      }
      const bad = op.checkResponse(status, full);
      if (bad.length > 0) return violation(bad);
      return reply(status, full, headers);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push(`${req.method} ${req.url}: handler threw ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) send(res, 500, { message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;

  const repoOf = (owner: string, name: string) => {
    const repo = repos.get(`${owner}/${name}`);
    if (!repo) throw new Error(`test server has no repository ${owner}/${name}`);
    return repo;
  };

  return {
    baseUrl,
    violations,
    requests,
    addUser: (user) => void users.set(user.token, user),
    addRepo: (input) => {
      const state: RepoState = {
        owner: input.owner,
        repo: input.repo,
        bare: input.bare,
        private: input.private ?? true,
        defaultBranch: input.defaultBranch ?? 'main',
        permissions: input.permissions,
        pulls: [],
        issues: [],
        labels: new Map(),
        comments: new Map(),
        checkRuns: new Map(),
        statuses: new Map(),
        nextNumber: 1,
      };
      repos.set(`${input.owner}/${input.repo}`, state);
      return state;
    },
    repo: repoOf,
    addIssue: (owner, name, title, extra = {}) => {
      const repo = repoOf(owner, name);
      const number = repo.nextNumber++;
      repo.issues.push({ number, title, state: 'open', stateReason: null, ...(extra.body !== undefined ? { body: extra.body } : {}) });
      if (extra.labels?.length) repo.labels.set(number, [...extra.labels]);
      return number;
    },
    setCheckRuns: (owner, name, sha, runs) => void repoOf(owner, name).checkRuns.set(sha, runs),
    setStatuses: (owner, name, sha, statuses) => void repoOf(owner, name).statuses.set(sha, statuses),
    fail: (rule) => void rules.push({ ...rule, left: rule.times ?? 1 }),
    clearFailures: () => void rules.splice(0),
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
