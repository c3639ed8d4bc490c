import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { EmptyRequest, HistoryQuery, LogPageQuery, LoginLink, ProjectOpenRequest, RunsQuery, Status, type Project } from '../api/index.js';
import { createClient, findDaemon } from '../client/index.js';
import type { Engine } from '../engine/index.js';
import { HttpError, type Router } from './http.js';
import { readLogPage } from './log-page.js';
import type { Sessions } from './session.js';

export interface WebRouteDeps {
  engine: Engine;
  logsDir: string;
  /** `<state>/orch/projects`: one folder per project, each with its daemon file while a daemon runs. */
  projectsDir: string;
  ownKey: string;
  sessions: Sessions;
  /** `http://127.0.0.1:<port>` once listening. */
  url: () => string;
  /** The network listener's base URL (`https://<host>:<port>`), when the daemon is bound beyond loopback. */
  remoteUrl: () => string | undefined;
  daemon: () => Status['daemon'];
}

function parse<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'bad_request', `${what}: ${r.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
  return r.data as z.infer<S>;
}

const query = (url: URL): Record<string, string> => Object.fromEntries(url.searchParams.entries());

/** The endpoints the web page needs beyond the CLI's: login links, history, paged logs, other projects. */
export function registerWebRoutes(router: Router, d: WebRouteDeps): void {
  const { engine } = d;
  // Only a holder of the daemon's token (the CLI: `orch open`) mints a login link; a browser session cannot.
  router.post('/api/login-link', EmptyRequest, async (_q, _r, { principal }) => {
    if (principal.kind !== 'admin' || principal.session) throw new HttpError(403, 'forbidden', 'login links are made by `orch open`, with the token from the daemon file');
    const t = d.sessions.newLoginToken();
    const remote = d.remoteUrl();
    return { url: `${d.url()}/login?t=${t}`, ...(remote ? { remoteUrl: `${remote}/login?t=${t}` } : {}) };
  });
  router.get('/api/history', async (_q, _r, { url }) => engine.history(parse(HistoryQuery, query(url), 'history query').days));
  router.get('/api/runs', async (_q, _r, { url }) => engine.recentRuns(parse(RunsQuery, query(url), 'runs query').limit));
  router.get('/api/runs/:id/log/page', async (_q, _r, { params, url }) => {
    const id = params.id ?? '';
    const run = engine.run(id);
    if (!run) throw new HttpError(404, 'unknown_run', `unknown run ${id}; \`orch show <task>\` lists a task's runs`);
    const q = parse(LogPageQuery, query(url), 'log page query');
    if (q.after !== undefined && q.before !== undefined) throw new HttpError(400, 'bad_request', 'log page query: give after or before, not both');
    const page = await readLogPage(join(d.logsDir, `${id}.log`), run.backend, q);
    return { runId: id, backend: run.backend, ...page, live: !['done', 'failed', 'stopped'].includes(run.state) };
  });
  router.get('/api/projects', async () => listProjects(d));
  router.post('/api/projects/open', ProjectOpenRequest, async (_q, _r, { body }) => {
    const { key } = body;
    if (key === d.ownKey) return { url: `${d.url()}/` };
    const file = join(d.projectsDir, key, 'daemon.json');
    if (!/^[\w.-]+$/.test(key) || !existsSync(file)) throw new HttpError(404, 'unknown_project', `no project "${key}" on this machine; the projects list shows those with a running daemon`);
    const info = await findDaemon(file);
    if (!info) throw new HttpError(409, 'not_running', `the daemon of ${key} is not running; \`orch open\` in that project starts it`);
    return createClient(info).post('/api/login-link', {}, LoginLink);
  });
}

async function listProjects(d: WebRouteDeps): Promise<Project[]> {
  const keys = existsSync(d.projectsDir) ? readdirSync(d.projectsDir) : [];
  const found = await Promise.all(
    keys.map(async (key): Promise<Project | undefined> => {
      if (key === d.ownKey) {
        const s = d.engine.status(d.daemon());
        return { key, name: basename(s.project.root), root: s.project.root, port: s.daemon.port, current: true, counts: s.counts, attention: s.active.filter((r) => r.state === 'waiting').length };
      }
      const info = await findDaemon(join(d.projectsDir, key, 'daemon.json'));
      if (!info) return undefined;
      try {
        const s = await createClient(info).get('/api/status', Status);
        return { key, name: basename(info.root), root: info.root, port: info.port, current: false, counts: s.counts, attention: s.active.filter((r) => r.state === 'waiting').length };
      } catch {
        return { key, name: basename(info.root), root: info.root, port: info.port, current: false, counts: null, attention: null };
      }
    }),
  );
  return found.filter((p): p is Project => p !== undefined).sort((a, b) => Number(b.current) - Number(a.current) || a.name.localeCompare(b.name));
}
