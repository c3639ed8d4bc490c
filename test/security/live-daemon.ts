import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { isAlive } from '../../src/agents/index.js';
import { sandbox, type Sandbox } from '../harness.js';

export interface LiveDaemon {
  sb: Sandbox;
  pid: number;
  host: string;
  port: number;
  token: string;
  /** Sends bytes as they are and returns what came back (empty when the daemon closed without a word). */
  raw: (bytes: string | Buffer, timeoutMs?: number) => Promise<string>;
  alive: () => boolean;
  daemonLog: () => string;
}

/** A real daemon (started the way the CLI starts it) in a sandbox with one plan task. */
export function liveDaemon(files: Record<string, string> = {}): LiveDaemon {
  const sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': '# A\n\nNothing to do.\n', ...files });
  const st = sb.orchJson<{ daemon: { pid: number } }>('status');
  const state = join(sb.base, 'state');
  const file = (readdirSync(state, { recursive: true }) as string[]).find((f) => f.endsWith('daemon.json'));
  if (!file) throw new Error('no daemon.json after `orch status`');
  const info = JSON.parse(readFileSync(join(state, file), 'utf8')) as { host: string; port: number; token: string };
  const raw = (bytes: string | Buffer, timeoutMs = 3000): Promise<string> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const s = connect({ host: info.host, port: info.port });
      const done = (): void => {
        clearTimeout(timer);
        s.destroy();
        resolve(Buffer.concat(chunks).toString('latin1'));
      };
      const timer = setTimeout(done, timeoutMs);
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('error', done);
      s.on('close', done);
      s.on('connect', () => s.end(bytes));
    });
  return {
    sb,
    pid: st.daemon.pid,
    host: info.host,
    port: info.port,
    token: info.token,
    raw,
    alive: () => isAlive(st.daemon.pid),
    daemonLog: () => {
      const log = (readdirSync(state, { recursive: true }) as string[]).find((f) => f.endsWith('daemon.log'));
      return log ? readFileSync(join(state, log), 'utf8') : '';
    },
  };
}

/** The status code of a raw HTTP answer, or undefined when there was none. */
export function statusOf(answer: string): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
  return m ? Number(m[1]) : undefined;
}
