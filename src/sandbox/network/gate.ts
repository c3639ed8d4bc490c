/**
 * The two halves of the sandbox's network gate, one process each, both starting the next stage as their only child
 * (stdio inherited, signals passed on, its exit status returned):
 *
 *   node gate.js host  <HostSpec>  -- bwrap ... --unshare-net ... -- node gate.js guest <GuestSpec> -- <agent CLI>
 *
 * - host (outside): makes the socket directory (0700), listens on `p<port>.sock` for each forwarded loopback port
 *   (relayed to that port of the host) and on `proxy.sock` (the allow-list proxy), then starts bubblewrap, which binds
 *   the directory into the sandbox.
 * - guest (inside the sandbox's own network namespace, where only loopback exists): listens on 127.0.0.1 and [::1]
 *   at each forwarded port and at the proxy port, each connection relayed to its socket, then starts the CLI.
 * No secret is in either spec: ports, host patterns and a directory.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { constants } from 'node:os';
import type { Forward } from './allow.js';
import { pipeBoth, serveProxy } from './proxy.js';

export interface HostSpec {
  dir: string;
  forwards: Forward[];
  allow: string[];
  upstream?: string;
}

export interface GuestSpec {
  dir: string;
  ports: number[];
  proxyPort: number;
}

export const portSocket = (dir: string, port: number): string => join(dir, `p${port}.sock`);
export const proxySocket = (dir: string): string => join(dir, 'proxy.sock');

const listen = (server: Server, where: string | { host: string; port: number }): Promise<string | undefined> =>
  new Promise((resolve) => {
    server.once('error', (e) => resolve(e.message));
    if (typeof where === 'string') server.listen(where, () => resolve(undefined));
    else server.listen(where.port, where.host, () => resolve(undefined));
  });

const say = (line: string): void => {
  process.stderr.write(`orch sandbox: ${line}\n`);
};

/** Starts `argv` as the only child and mirrors its end; `cleanup` runs first. */
const runChild = (argv: string[], cleanup: () => void): void => {
  const [command, ...args] = argv;
  if (!command) {
    say('no command to start');
    process.exit(2);
  }
  const child = spawn(command, args, { stdio: 'inherit' });
  // Orch signals the agent's process group, which the child is in: it has the signal already. Passing it on would
  // give the CLI a second SIGINT (most CLIs then quit at once, without saving their session). The gate stays up,
  // relaying, until the child ends.
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  for (const s of signals) process.on(s, () => undefined);
  child.once('error', (e) => {
    cleanup();
    say(`cannot start ${command}: ${e.message}`);
    process.exit(127);
  });
  child.once('exit', (code, signal) => {
    cleanup();
    // As a shell (and bubblewrap) report a child killed by a signal.
    process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
  });
};

export const runHost = async (spec: HostSpec, argv: string[]): Promise<void> => {
  mkdirSync(spec.dir, { mode: 0o700 });
  const servers: Server[] = [];
  const cleanup = (): void => {
    for (const s of servers) s.close();
    rmSync(spec.dir, { recursive: true, force: true });
  };
  for (const f of spec.forwards) {
    const server = createServer((inside) => {
      inside.on('error', () => undefined);
      const out = connect({ host: f.host, port: f.port, autoSelectFamily: true });
      out.on('error', () => inside.destroy());
      pipeBoth(inside, out);
    });
    servers.push(server);
    const err = await listen(server, portSocket(spec.dir, f.port));
    if (err) say(`cannot forward port ${f.port}: ${err}`);
  }
  const proxy = createServer((inside) => {
    void serveProxy(inside, { allow: spec.allow, ...(spec.upstream ? { upstream: spec.upstream } : {}), refused: (t) => say(`refused a connection to ${t} (not in [sandbox] allow_hosts)`) });
  });
  servers.push(proxy);
  const err = await listen(proxy, proxySocket(spec.dir));
  if (err) say(`cannot start the proxy: ${err}`);
  runChild(argv, cleanup);
};

export const runGuest = async (spec: GuestSpec, argv: string[]): Promise<void> => {
  const servers: Server[] = [];
  const serve = async (port: number, socket: string): Promise<void> => {
    for (const host of ['127.0.0.1', '::1']) {
      const server = createServer((inside) => {
        inside.on('error', () => undefined);
        const out = connect(socket);
        out.on('error', () => inside.destroy());
        pipeBoth(inside, out);
      });
      servers.push(server);
      const err = await listen(server, { host, port });
      // No IPv6 inside is fine; no IPv4 port is not.
      if (err && host === '127.0.0.1') say(`cannot listen on ${host}:${port}: ${err}`);
    }
  };
  await Promise.all([...spec.ports.map((p) => serve(p, portSocket(spec.dir, p))), serve(spec.proxyPort, proxySocket(spec.dir))]);
  runChild(argv, () => {
    for (const s of servers) s.close();
  });
};

/** `gate.js host|guest <json> -- argv...` */
export const main = async (args: readonly string[]): Promise<void> => {
  const [mode, json, sep, ...argv] = args;
  if ((mode !== 'host' && mode !== 'guest') || !json || sep !== '--') {
    say('usage: gate.js host|guest <spec-json> -- <command> [args...]');
    process.exit(2);
  }
  const spec: unknown = JSON.parse(json);
  if (mode === 'host') await runHost(spec as HostSpec, argv);
  else await runGuest(spec as GuestSpec, argv);
};
