import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { groupMembers, killGroup } from './group.js';
import { createLineSplitter, MAX_LINE_CHARS } from './lines.js';

export interface SpawnOptions {
  command: string;
  /** argv after the command; never parsed by a shell. */
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  signal?: AbortSignal;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Between SIGTERM and SIGKILL to the group. Default 3000. */
  graceMs?: number;
  /** Cancel after this long; the result then says `timedOut`. */
  timeoutMs?: number;
  maxLineChars?: number;
  /** Kill what is left of the group (background children) once the leader exits. Default true. */
  killGroupOnExit?: boolean;
  /** Written to the child's stdin, which is then closed. Default: stdin is not connected at all. */
  stdin?: string;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  canceled: boolean;
  timedOut: boolean;
  /** For messages: the command line, long arguments shortened. */
  command: string;
  /** Set when the process could not be started (e.g. ENOENT). */
  error?: string;
}

export interface SupervisedProcess {
  /** 0 when the process could not be started. */
  pid: number;
  /** The child leads its own group: pgid == pid. */
  pgid: number;
  result: Promise<ProcessResult>;
}

const STREAM_CLOSE_WAIT_MS = 2000;

export const formatCommand = (command: string, args: readonly string[]): string =>
  [command, ...args]
    .map((a) => (a.length > 80 ? `${a.slice(0, 77)}...` : a))
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/\n/g, '\\n').replace(/'/g, "'\\''")}'`))
    .join(' ');

const drained = (stream: Readable): Promise<void> =>
  new Promise((resolve) => {
    if (stream.destroyed || stream.readableEnded) return resolve();
    stream.once('close', () => resolve());
    stream.once('end', () => resolve());
  });

const within = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void p.then((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });

/**
 * Runs a command as the leader of a new process group, stdin closed (or fed `stdin`), stdout and stderr read concurrently
 * as lines. Abort (or timeout) sends SIGTERM to the group, then SIGKILL after the grace period; the result
 * settles once the leader has exited and, when canceled, the group is gone.
 */
export const spawnSupervised = (opts: SpawnOptions): SupervisedProcess => {
  const started = performance.now();
  const command = formatCommand(opts.command, opts.args);
  const graceMs = opts.graceMs ?? 3000;
  const base = { command, canceled: false, timedOut: false };
  if (opts.signal?.aborted) {
    return { pid: 0, pgid: 0, result: Promise.resolve({ ...base, exitCode: null, signal: null, durationMs: 0, canceled: true }) };
  }

  const spawnOpts = { cwd: opts.cwd, env: opts.env, detached: true };
  const child =
    opts.stdin === undefined
      ? spawn(opts.command, [...opts.args], { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(opts.command, [...opts.args], { ...spawnOpts, stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid ?? 0;
  if (child.stdin) {
    // A child that exits without reading its input makes the write fail with EPIPE: not our failure to report.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin);
  }
  let canceled = false;
  let timedOut = false;
  let killing: Promise<unknown> | undefined;

  const stop = (): void => {
    if (pid <= 1 || killing) return;
    killing = killGroup(pid, graceMs).catch(() => undefined);
  };
  const onAbort = (): void => {
    canceled = true;
    stop();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop();
        }, opts.timeoutMs);

  const maxLine = opts.maxLineChars ?? MAX_LINE_CHARS;
  const out = createLineSplitter((l) => opts.onStdoutLine?.(l), maxLine);
  const err = createLineSplitter((l) => opts.onStderrLine?.(l), maxLine);
  child.stdout.setEncoding('utf8').on('data', (c: string) => out.push(c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => err.push(c));

  const result = new Promise<ProcessResult>((resolve) => {
    let settled = false;
    const finish = async (exitCode: number | null, signal: string | null, error?: string): Promise<void> => {
      if (settled) return;
      settled = true;
      if (pid > 1 && !killing && opts.killGroupOnExit !== false && groupMembers(pid).length > 0) stop();
      if (killing) await killing;
      await within(Promise.all([drained(child.stdout), drained(child.stderr)]), STREAM_CLOSE_WAIT_MS);
      child.stdout.destroy();
      child.stderr.destroy();
      out.flush();
      err.flush();
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({
        command, exitCode, signal, canceled, timedOut,
        durationMs: Math.round(performance.now() - started),
        ...(error === undefined ? {} : { error }),
      });
    };
    child.once('error', (e) => {
      if (child.pid === undefined) void finish(null, null, `Command could not be started: ${command}: ${e.message}`);
    });
    child.once('exit', (code, sig) => void finish(code, sig));
  });

  return { pid, pgid: pid, result };
};
