/**
 * Who is calling the daemon. Two kinds of caller hold a token:
 * - the user's own clients (CLI, TUI, web UI) hold the admin token from the 0600 daemon file, which no agent sees;
 * - each run's agent (through its MCP server) holds a run token that names that run and allows only its own routes: its signals, its
 *   build/test/lint on workers, its command jobs' logs and the worker list (no hosts, no secrets).
 * A run token is `run.<runId>.<HMAC(secret, runId)>`: nothing to store, nothing to leak when the daemon restarts
 * (the secret is new each start, so old run tokens die with the daemon that issued them).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { userInfo } from 'node:os';

export type Principal =
  /** The user: may do everything. `name` is what Orch records as who approved or answered. */
  | { kind: 'admin'; name: string; /** Through the web page's session cookie, not the token. */ session?: true }
  /** One run's agent: may reach that run's own routes (signals, commands, job logs, workers), nothing else. */
  | { kind: 'run'; runId: string }
  /** No token (only routes marked open, such as health, serve it). */
  | { kind: 'anonymous' };

export interface Auth {
  /** The admin token (for the daemon file). */
  readonly adminToken: string;
  /** The token handed to one run's MCP server. */
  runToken(runId: string): string;
  /** The caller behind an `Authorization: Bearer ...` value, or undefined when it is missing or wrong. */
  authenticate(bearer: string | undefined): Principal | undefined;
}

const RUN_PREFIX = 'run.';

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The name the daemon's owner goes by in records (`approved by`, `answered by`). */
export const ownerName = (): string => {
  try {
    return userInfo().username || 'human';
  } catch {
    return 'human';
  }
};

export const createAuth = (o: { adminToken?: string; secret?: Buffer; adminName?: string } = {}): Auth => {
  const adminToken = o.adminToken ?? randomBytes(24).toString('hex');
  const secret = o.secret ?? randomBytes(32);
  const adminName = o.adminName ?? ownerName();
  const mac = (runId: string): string => createHmac('sha256', secret).update(runId).digest('base64url');
  return {
    adminToken,
    runToken: (runId) => `${RUN_PREFIX}${runId}.${mac(runId)}`,
    authenticate(bearer) {
      if (!bearer) return undefined;
      if (bearer.startsWith(RUN_PREFIX)) {
        const dot = bearer.lastIndexOf('.');
        const runId = bearer.slice(RUN_PREFIX.length, dot);
        if (dot <= RUN_PREFIX.length || !sameText(bearer.slice(dot + 1), mac(runId))) return undefined;
        return { kind: 'run', runId };
      }
      return sameText(bearer, adminToken) ? { kind: 'admin', name: adminName } : undefined;
    },
  };
};

/** The bearer value of a request's Authorization header (the only place a token is read from). */
export const bearerOf = (header: string | undefined): string | undefined =>
  header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
