/**
 * `[sandbox] network = "proxy"`: the contained process gets a network namespace of its own (only loopback), and
 * reaches the host only through the gate (gate.ts): the loopback ports its launch names, and the allow-list proxy.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Launch } from '../../agents/types.js';
import { networkPlan, type NetworkPlan } from './allow.js';
import type { GuestSpec, HostSpec } from './gate.js';

export { hostAllowed, networkPlan, PROVIDER_HOSTS, REGISTRY_HOSTS, type NetworkPlan } from './allow.js';
export { serveProxy } from './proxy.js';

export type NetworkMode = 'proxy' | 'host';

export interface NetworkSetting {
  mode: NetworkMode;
  /** `[sandbox] allow_hosts`. */
  allowHosts: readonly string[];
}

/** Where the gate's sockets appear inside the sandbox (its /tmp is its own). */
export const GUEST_DIR = '/tmp/.orch-net';

const PROXY_VARS = /^(https?|all|no|ftp)_proxy$/i;
const PROXY_PORTS = [3128, 8888, 18080, 28080, 38080];

/** gate-main.js beside this file when it runs from dist/, else dist/'s copy (tests that load the sources). */
export const gateEntry = (packageRoot: string): string => {
  const beside = fileURLToPath(new URL('./gate-main.js', import.meta.url));
  return existsSync(beside) ? beside : join(packageRoot, 'dist', 'src', 'sandbox', 'network', 'gate-main.js');
};

/** A new, not yet created directory for one launch's sockets (short: a Unix socket path has 107 bytes). */
export const newSocketDir = (): string => {
  const base = tmpdir().length <= 60 ? tmpdir() : '/tmp';
  return join(base, `orch-net-${randomBytes(6).toString('hex')}`);
};

export interface GatedLaunch {
  plan: NetworkPlan;
  /** The environment inside: the proxy variables point at the gate. */
  env: Record<string, string>;
  proxyPort: number;
  /** Wraps the bubblewrap launch (`bwrap <args> -- <command...>`) in the two gate stages. */
  wrap: (bwrap: string, bwrapArgs: string[], inner: Launch) => Launch;
}

/**
 * The gate for one launch. `endpoints`: URLs the process must reach beyond those in its own environment and argv
 * (the daemon's MCP route). A proxy of the user's (HTTPS_PROXY) becomes the gate's upstream.
 */
export const gateLaunch = (launch: Launch, o: { allowHosts: readonly string[]; endpoints: readonly string[]; socketDir: string; packageRoot: string; node?: string }): GatedLaunch => {
  const texts = [...Object.entries(launch.env).filter(([k]) => !PROXY_VARS.test(k)).map(([, v]) => v), ...launch.args, ...o.endpoints];
  const plan = networkPlan(texts, o.allowHosts);
  const taken = new Set(plan.forwards.map((f) => f.port));
  const proxyPort = PROXY_PORTS.find((p) => !taken.has(p)) ?? 3128;
  const upstream = launch.env.HTTPS_PROXY || launch.env.https_proxy || launch.env.HTTP_PROXY || launch.env.http_proxy;
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const env: Record<string, string> = Object.fromEntries(Object.entries(launch.env).filter(([k]) => !PROXY_VARS.test(k)));
  Object.assign(env, {
    HTTPS_PROXY: proxyUrl, https_proxy: proxyUrl, HTTP_PROXY: proxyUrl, http_proxy: proxyUrl,
    NO_PROXY: 'localhost,127.0.0.1,::1', no_proxy: 'localhost,127.0.0.1,::1',
    // Node's own fetch honours the variables only when asked (Node 24+; older versions ignore it).
    NODE_USE_ENV_PROXY: '1',
  });
  const node = o.node ?? process.execPath;
  const gate = gateEntry(o.packageRoot);
  const host: HostSpec = { dir: o.socketDir, forwards: plan.forwards, allow: plan.allow, ...(upstream && /^http:\/\//i.test(upstream) ? { upstream } : {}) };
  const guest: GuestSpec = { dir: GUEST_DIR, ports: plan.forwards.map((f) => f.port), proxyPort };
  return {
    plan, env, proxyPort,
    wrap: (bwrap, bwrapArgs, inner) => ({
      command: node,
      args: [gate, 'host', JSON.stringify(host), '--', bwrap, ...bwrapArgs, '--', node, gate, 'guest', JSON.stringify(guest), '--', inner.command, ...inner.args],
      env,
    }),
  };
};
