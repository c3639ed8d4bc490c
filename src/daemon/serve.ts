import { existsSync } from 'node:fs';
import type { Server, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { createRouter } from './http.js';
import { createAuth, ownerName } from './auth.js';
import { allowedHosts } from './guard.js';
import { baseUrl, machineHosts, planBind } from './bind.js';
import { registerRoutes } from './routes.js';
import { registerWebRoutes } from './web-routes.js';
import { createSessions } from './session.js';
import { createWebHandler, findWebDir } from './web.js';
import { dirname } from 'node:path';
import { acquireLock, removeDaemonInfo, writeDaemonInfo } from './lockfile.js';
import { composeDaemon, type ComposeOptions } from './compose.js';
import { createConfigWatch, type ConfigWatch } from './config-watch.js';
import type { ReloadResult } from '../api/index.js';
import type { ProjectPaths } from '../paths/index.js';
import { VERSION } from '../version.js';
import { isDiskFull } from '../store/index.js';
import { fingerprint, formatWarning, loadConfig } from '../config/index.js';

export interface ServeOptions extends ComposeOptions {
  host?: string;
  port?: number;
  log?: (msg: string) => void;
  /** Started for a read-only command: serve reads, resume no agent until a command asks for work. */
  readOnly?: boolean;
}

const IDLE_CHECK_MS = 30_000;

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

export async function serve(o: ServeOptions): Promise<{ port: number; url: string; stopped: Promise<void>; stop: () => Promise<void> }> {
  // Milliseconds since the process started (performance's time origin): the start-up's steps, logged once ready.
  const cpuMs = (): number => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const marks: Array<[string, number, number]> = [];
  const mark = (what: string): void => void marks.push([what, performance.now(), cpuMs()]);
  mark('code loaded');
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
  let lock: { release: () => void } | undefined;
  const claim = (p: ProjectPaths): void => {
    const l = acquireLock(p.lockFile);
    if (!l.ok) throw new DaemonRunningError(l.pid);
    lock = l;
  };
  let c: Awaited<ReturnType<typeof composeDaemon>>;
  try {
    c = await composeDaemon({ ...o, log, address, claim });
    mark('composed');
  } catch (e) {
    lock?.release();
    throw e;
  }
  const token = auth.adminToken;
  const startedAt = new Date().toISOString();
  let server: Server | undefined;
  let remoteServer: Server | undefined;
  let port = 0;
  const streams = new Set<ServerResponse>();
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;

  let rootWatch: NodeJS.Timeout | undefined;
  let watcher: ConfigWatch | undefined;
  let idleWatch: NodeJS.Timeout | undefined;
  let ending: Promise<{ ended: string[] }> | undefined;
  const endAgents = (): Promise<{ ended: string[] }> =>
    (ending ??= c.engine.shutdown().catch((e: unknown) => {
      log(`shutdown incomplete: ${e instanceof Error ? e.message : String(e)}; runs resume on the next start`);
      return { ended: [] };
    }));
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const began = performance.now();
      clearInterval(rootWatch);
      clearInterval(idleWatch);
      watcher?.stop();
      log('stopping: ending agents, writing state');
      const { ended } = await endAgents();
      if (ended.length > 0) log(`ended the agents of ${ended.join(', ')}; they resume on the next orch start`);
      await c.endChildren();
      await endStreams(streams);
      for (const srv of [server, remoteServer]) {
        if (!srv) continue;
        srv.closeAllConnections();
        await new Promise<void>((r) => srv.close(() => r()));
      }
      removeDaemonInfo(c.paths.daemonFile, process.pid);
      c.close();
      lock?.release();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('uncaughtException', onUncaught);
      log(`stopped in ${Math.round(performance.now() - began)} ms`);
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
    const plan = planBind({ ...c.config.daemon, host, port: o.port ?? c.config.daemon.port });
    if (!plan.ok) throw new Error(plan.message);
    const sessions = createSessions({ port: () => port, keep: c.webSessions });
    let hosts = new Set<string>();
    let remoteUrl: string | undefined;
    const web = createWebHandler({ dir: findWebDir(), sessions, hosts: () => hosts });
    const router = createRouter({
      auth,
      hosts: () => hosts,
      stateDir: c.paths.stateDir,
      onError: (e) => log(`request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
      browser: { sessions, web, user: ownerName() },
    });
    const daemon = () => ({ pid: process.pid, port, startedAt, version: VERSION });
    const env = o.env ?? process.env;
    const configFiles = [c.allPaths.userConfigFile, c.paths.projectConfigFile];
    let print = fingerprint(env, configFiles);
    let configWarnings = c.configWarnings;
    /** The config files as last read could not be used: said in the log (once per problem) and by `orch status`. */
    let configError: string | undefined;
    let toldRestart = '';
    /** `orch` commands (their drift check) and the config watch both reload through here; a reload is idempotent. */
    const reload = (by: 'command' | 'watch'): ReloadResult => {
      const loaded = loadConfig({ paths: c.allPaths, root: c.root });
      if (!loaded.ok) {
        if (configError !== loaded.error.message) log(`config not reloaded, the daemon keeps the config it had: ${loaded.error.message}`);
        configError = loaded.error.message;
        return { applied: [], restart: [], error: loaded.error.message };
      }
      if (configError) log('config files usable again');
      configError = undefined;
      const r = c.engine.reload(loaded.config);
      if (r.applied.some((a) => a.startsWith('notify.'))) c.reloadNotify(c.engine.config);
      configWarnings = loaded.warnings.map(formatWarning);
      if (by === 'watch') for (const w of configWarnings) log(`config: ${w}`);
      // The files as read now: what could not be applied stays reported until a restart.
      if (r.restart.length === 0) print = { ...print, config: fingerprint(env, configFiles).config };
      if (r.applied.length) log(`config reloaded${by === 'watch' ? ' (file changed)' : ''}: ${r.applied.join(', ')}`);
      const restart = r.restart.join(', ');
      if (restart && restart !== toldRestart) log(`config changed where a running daemon cannot take it over (${restart}): \`orch daemon restart\` applies it`);
      toldRestart = restart;
      return r;
    };
    watcher = createConfigWatch({ files: configFiles, changed: () => void reload('watch'), log });
    let lastRequest = Date.now();
    router.use(() => void (lastRequest = Date.now()));
    registerRoutes(router, {
      engine: c.engine,
      decomposer: c.decomposer,
      logsDir: c.paths.logsDir,
      streams,
      daemon,
      health: () => ({ ok: true, pid: process.pid, root: c.root, version: VERSION, startedAt }),
      shutdown: async () => {
        const r = await endAgents();
        setImmediate(() => void stop());
        return r;
      },
      state: () => ({ pid: process.pid, version: VERSION, passive: c.engine.passive, fingerprint: print, configWarnings, ...(configError ? { configError } : {}) }),
      reload: () => reload('command'),
      configError: () => configError,
      ...(c.cluster ? { cluster: () => c.cluster?.status(), runJobs: c.cluster } : {}),
      notify: { channels: () => c.notifier.channels, test: (channel) => c.notifier.test(channel) },
      lessons: c.lessons,
    });
    if (o.readOnly) c.engine.setPassive(true);
    registerWebRoutes(router, {
      engine: c.engine,
      logsDir: c.paths.logsDir,
      projectsDir: dirname(c.paths.stateDir),
      ownKey: c.paths.key,
      sessions,
      url: () => address.url ?? '',
      remoteUrl: () => remoteUrl,
      daemon,
    });
    server = await listenLocal(plan.local, (p) => router.listen(plan.local.host, p), o.port === undefined && c.config.daemon.port === 0 ? Number(c.meta.get(LAST_PORT_KEY) ?? 0) : 0);
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : 0;
    hosts = allowedHosts(plan.local.host, port);
    c.meta.set(LAST_PORT_KEY, String(port));
    if (plan.remote) {
      remoteServer = await router.listen(plan.remote.host, plan.remote.port, plan.remote.tls);
      const ra = remoteServer.address();
      const remotePort = typeof ra === 'object' && ra ? ra.port : 0;
      const wildcard = plan.remote.host === '0.0.0.0' || plan.remote.host === '::';
      hosts = new Set([...hosts, ...allowedHosts(plan.remote.host, remotePort), ...(wildcard ? machineHosts(remotePort) : [])]);
      // The address a browser elsewhere uses: a wildcard bind is reached by this machine's name.
      remoteUrl = baseUrl(wildcard ? hostname().toLowerCase() : plan.remote.host, remotePort, plan.remote.tls !== undefined);
      log(`serving the API on ${baseUrl(plan.remote.host, remotePort, plan.remote.tls !== undefined)}${plan.remote.tls ? ' (TLS)' : ' WITHOUT TLS (daemon.insecure_remote = true)'}`);
    }
    address.url = baseUrl(plan.local.host, port);
    mark('listening');
    await c.engine.boot();
    mark('booted (plan synced)');
    c.notifier.start();
    c.answers.start();
    c.telegram?.start();
    // Config edits apply without an `orch` command (debounced; a file that does not load changes nothing).
    watcher.start();
    // A project that was deleted (or a test sandbox removed) takes its daemon with it; runs would resume on a restart.
    rootWatch = setInterval(() => {
      if (existsSync(c.root)) return;
      log(`the project ${c.root} is gone; stopping`);
      void stop();
    }, ROOT_CHECK_MS);
    rootWatch.unref();
    // An idle daemon (nothing running, waiting or scheduled; no client asking or watching) goes away by itself.
    // One with a [[batch]] in schedule.toml stays: nobody would be there to start it when the batch is due.
    let keptFor = '';
    idleWatch = setInterval(() => {
      const minutes = c.engine.config.daemon.idle_minutes;
      if (minutes <= 0 || !c.engine.idle()) return;
      if (Date.now() - lastRequest < minutes * 60_000 || c.engine.subscribers() > 0) return;
      const next = nextScheduled(c.engine);
      if (next) {
        if (keptFor !== next) log(`idle for ${minutes} min, staying up for the scheduled batch ${next} (schedule.toml)`);
        keptFor = next;
        return;
      }
      log(`idle for ${minutes} min with nothing running or scheduled; stopping (daemon.idle_minutes)`);
      void stop();
    }, Math.min(IDLE_CHECK_MS, Math.max(1000, c.engine.config.daemon.idle_minutes * 15_000)));
    idleWatch.unref();
    writeDaemonInfo(c.paths.daemonFile, { pid: process.pid, host: plan.local.host, port, token, root: c.root, version: VERSION, startedAt });
    log(`daemon for ${c.root} on ${address.url} (pid ${process.pid}), target branch ${c.targetBranch}`);
    const mem = process.memoryUsage();
    const mb = (n: number): string => `${Math.round(n / 2 ** 20)} MB`;
    log(`ready: ${marks.map(([what, ms, cpu]) => `${what} at ${Math.round(ms)} ms (${Math.round(cpu)} ms of CPU)`).join(', ')}; rss ${mb(mem.rss)}, heap ${mb(mem.heapUsed)} of ${mb(mem.heapTotal)}, external ${mb(mem.external)}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, url: address.url ?? '', stopped, stop };
}

/** The port this project's daemon last listened on (store meta). */
const LAST_PORT_KEY = 'daemon.last_port';

/**
 * With `daemon.port = 0` a restarted daemon first asks for the port it had: an open page reconnects to the same
 * address and keeps its session cookie (named after the port). Taken by something else meanwhile: any free port.
 */
async function listenLocal(l: { port: number }, listen: (port: number) => Promise<Server>, previous: number): Promise<Server> {
  if (l.port === 0 && Number.isInteger(previous) && previous > 0 && previous < 65_536) {
    try {
      return await listen(previous);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EADDRINUSE' && (e as { code?: string }).code !== 'EACCES') throw e;
    }
  }
  return listen(l.port);
}

/** Ends each open event stream with its last chunk written (a browser sees a closed stream, not a broken one), at most 1 s. */
async function endStreams(streams: Set<ServerResponse>): Promise<void> {
  const ended = [...streams].map((res) => new Promise<void>((r) => (res.writableFinished || res.destroyed ? r() : res.end(r))));
  let bound: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(ended), new Promise((r) => (bound = setTimeout(r, 1000)))]);
  clearTimeout(bound);
}

/** The scheduled batch that comes next ("nightly at <ISO>"), or undefined when schedule.toml has none. */
function nextScheduled(engine: { schedules: () => { batches: Array<{ name: string; next: string | null }> } }): string | undefined {
  try {
    const next = engine.schedules().batches.filter((b) => b.next !== null).sort((a, b) => (a.next ?? '').localeCompare(b.next ?? ''))[0];
    return next ? `${next.name} at ${next.next}` : undefined;
  } catch {
    return undefined;
  }
}
