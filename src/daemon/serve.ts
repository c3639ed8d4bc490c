import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRouter } from './http.js';
import { createAuth, ownerName } from './auth.js';
import { registerRoutes } from './routes.js';
import { registerWebRoutes } from './web-routes.js';
import { allowedHosts, createSessions } from './session.js';
import { createWebHandler, findWebDir } from './web.js';
import { dirname } from 'node:path';
import { acquireLock, removeDaemonInfo, writeDaemonInfo } from './lockfile.js';
import { composeDaemon, type ComposeOptions } from './compose.js';
import { VERSION } from '../version.js';
import { isDiskFull } from '../store/index.js';

export interface ServeOptions extends ComposeOptions {
  host?: string;
  port?: number;
  log?: (msg: string) => void;
}

export class DaemonRunningError extends Error {
  override readonly name = 'DaemonRunningError';
  constructor(readonly pid: number) {
    super(`an Orch daemon is already running for this project (pid ${pid}); use \`orch daemon stop\` first`);
  }
}

/**
 * Runs the daemon until `stop()` or SIGINT/SIGTERM: lock, compose, recover, serve. Returns when it has stopped.
 * The only place that owns the store, the agent processes and the worktrees of one project.
 */
const ROOT_CHECK_MS = 5000;

export async function serve(o: ServeOptions): Promise<{ port: number; stopped: Promise<void>; stop: () => Promise<void> }> {
  // The daemon's stderr is daemon.log: a full disk must not end the daemon, its log lines are dropped meanwhile.
  if (!o.log) process.stderr.on('error', () => undefined);
  const log =
    o.log ??
    ((m: string) => {
      try {
        process.stderr.write(`[orch] ${m}\n`);
      } catch {
        // ENOSPC: nothing to do but go on; the state that matters is in SQLite.
      }
    });
  const auth = createAuth();
  // Agents get a token of their own run (see auth.ts); the admin token stays in the 0600 daemon file.
  const address: NonNullable<ComposeOptions['address']> = { runToken: auth.runToken };
  const c = await composeDaemon({ ...o, log, address });
  const lock = acquireLock(c.paths.lockFile);
  if (!lock.ok) {
    c.close();
    throw new DaemonRunningError(lock.pid);
  }
  const token = auth.adminToken;
  const startedAt = new Date().toISOString();
  let server: Server | undefined;
  let port = 0;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;

  let rootWatch: NodeJS.Timeout | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(rootWatch);
      log('stopping: ending agents, writing state');
      await c.engine.shutdown().catch((e: unknown) => log(`shutdown incomplete: ${e instanceof Error ? e.message : String(e)}; runs resume on the next start`));
      server?.closeAllConnections();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      removeDaemonInfo(c.paths.daemonFile, process.pid);
      c.close();
      lock.release();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('uncaughtException', onUncaught);
      log('stopped');
      resolveStopped();
    })();
    return stopping;
  };
  const onSignal = (): void => void stop();
  // Last line of defence for a full disk hit outside a request or a run step (a timer, an output callback):
  // SQLite rolled the write back, so the daemon goes on and the next tick retries. Anything else still ends it.
  const onUncaught = (e: unknown): void => {
    if (isDiskFull(e)) return log(`disk full, waiting for space: ${e instanceof Error ? e.message : String(e)}`);
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', onUncaught);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const host = o.host ?? c.config.daemon.host;
    const sessions = createSessions({ port: () => port });
    let hosts = new Set<string>();
    const web = createWebHandler({ dir: findWebDir(), sessions, hosts: () => hosts });
    const router = createRouter({
      auth,
      stateDir: c.paths.stateDir,
      onError: (e) => log(`request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
      browser: { sessions, hosts: () => hosts, web, user: ownerName() },
    });
    const daemon = () => ({ pid: process.pid, port, startedAt, version: VERSION });
    registerRoutes(router, {
      engine: c.engine,
      logsDir: c.paths.logsDir,
      daemon,
      health: () => ({ ok: true, pid: process.pid, root: c.root, version: VERSION, startedAt }),
      shutdown: () => void stop(),
      ...(c.cluster ? { cluster: () => c.cluster?.status() } : {}),
    });
    registerWebRoutes(router, {
      engine: c.engine,
      logsDir: c.paths.logsDir,
      projectsDir: dirname(c.paths.stateDir),
      ownKey: c.paths.key,
      sessions,
      url: () => address.url ?? '',
      daemon,
    });
    server = await router.listen(host, o.port ?? c.config.daemon.port);
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : 0;
    hosts = allowedHosts(host, port);
    address.url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
    await c.engine.boot();
    // A project that was deleted (or a test sandbox removed) takes its daemon with it; runs would resume on a restart.
    rootWatch = setInterval(() => {
      if (existsSync(c.root)) return;
      log(`the project ${c.root} is gone; stopping`);
      void stop();
    }, ROOT_CHECK_MS);
    rootWatch.unref();
    writeDaemonInfo(c.paths.daemonFile, { pid: process.pid, host, port, token, root: c.root, version: VERSION, startedAt });
    log(`daemon for ${c.root} on http://${host}:${port} (pid ${process.pid}), target branch ${c.targetBranch}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, stopped, stop };
}
