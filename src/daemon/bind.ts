import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { TlsOptions } from './http.js';

export interface DaemonBindConfig {
  host: string;
  port: number;
  tls_cert: string;
  tls_key: string;
  insecure_remote: boolean;
}

export interface Listener {
  host: string;
  port: number;
  tls?: TlsOptions;
}

export type BindPlan =
  | {
      ok: true;
      /** Where the daemon's own clients (CLI, agents' MCP servers) connect: always a loopback listener. */
      local: Listener;
      /** A second listener on the configured non-loopback address, when there is one. */
      remote?: Listener;
    }
  | { ok: false; message: string };

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '[::1]') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Loopback binds as asked. Anything else exposes the API (and with it the agents) to the network: it needs TLS
 * (`daemon.tls_cert`/`daemon.tls_key`) or an explicit `daemon.insecure_remote = true`, and the daemon's own clients
 * still talk to it over a loopback listener so they need neither the certificate nor the network.
 */
export function planBind(c: DaemonBindConfig): BindPlan {
  if (isLoopback(c.host)) return { ok: true, local: { host: c.host.replace(/^\[|\]$/g, ''), port: c.port } };
  const local: Listener = { host: '127.0.0.1', port: 0 };
  const wantsTls = c.tls_cert !== '' || c.tls_key !== '';
  if (wantsTls) {
    if (c.tls_cert === '' || c.tls_key === '') return { ok: false, message: 'daemon.tls_cert and daemon.tls_key must be set together (PEM files); set both in ~/.config/orch/config.toml' };
    let tls: TlsOptions;
    try {
      tls = { cert: readFileSync(c.tls_cert), key: readFileSync(c.tls_key) };
    } catch (e) {
      return { ok: false, message: `cannot read the TLS certificate or key (${e instanceof Error ? e.message : String(e)}); fix daemon.tls_cert / daemon.tls_key in ~/.config/orch/config.toml` };
    }
    return { ok: true, local, remote: { host: c.host, port: c.port, tls } };
  }
  if (c.insecure_remote) return { ok: true, local, remote: { host: c.host, port: c.port } };
  return {
    ok: false,
    message:
      `refusing to serve the API on ${c.host}: anything but loopback puts the daemon (and the agents it drives) on the network. ` +
      'Set daemon.tls_cert and daemon.tls_key (PEM files) in ~/.config/orch/config.toml to serve it over TLS, ' +
      'or set daemon.insecure_remote = true there to accept plain HTTP on that address, or bind 127.0.0.1.',
  };
}

/** `http://127.0.0.1:4000`, `http://[::1]:4000`. */
export function baseUrl(host: string, port: number, tls = false): string {
  return `${tls ? 'https' : 'http'}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * Host values a network client may send to a daemon bound to every address: this machine's name and addresses
 * with the port. A DNS-rebinding page sends its own domain name and stays refused.
 */
export function machineHosts(port: number): string[] {
  const names = new Set([hostname().toLowerCase()]);
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) names.add(a.family === 'IPv6' ? `[${a.address.replace(/%.*$/, '')}]` : a.address);
  }
  return [...names].map((n) => `${n}:${port}`);
}
