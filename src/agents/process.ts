import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { groupMembers, killGroup } from './group.js';
import { createByteLineSplitter, MAX_LINE_CHARS } from './lines.js';

export interface SpawnOptions {
  command: string;
  /** argv after the command; never parsed by a shell. */
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Each line of stdout, decoded, and its raw bytes (no newline). Return a promise to apply backpressure: the stream
   * is paused (the child blocks on a full pipe) until every promise returned so far has settled. At most one chunk
   * (64 KiB) is read past the first hold.
   */
  onStdoutLine?: (line: string, raw: readonly Buffer[]) => unknown;
  onStderrLine?: (line: string, raw: readonly Buffer[]) => unknown;
  /** Between SIGTERM and SIGKILL to the group. Default 3000. */
  graceMs?: number;
  /** Cancel after this long; the result then says `timedOut`. */
  timeoutMs?: number;
  /** Longer lines are delivered in pieces of this many bytes. */
  maxLineBytes?: number;
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

/** After the leader exits, how long its pipes may stay silent (not counting our own backpressure) before we stop reading. */
const STREAM_CLOSE_WAIT_MS = 2000;
/** ...and the most we wait for them at all, for a background child that keeps printing after the leader is gone. */
const STREAM_CLOSE_MAX_MS = 60_000;

export const formatCommand = (command: string, args: readonly string[]): string =>
  [command, ...args]
    .map((a) => (a.length > 80 ? `${a.slice(0, 77)}...` : a))
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/\n/g, '\\n').replace(/'/g, "'\\''")}'`))
    .join(' ');

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as PromiseLike<unknown> | undefined)?.then === 'function';

/** A stream read through a line splitter that pauses while the consumer holds it (see `onStdoutLine`). */
const readLines = (stream: Readable, onLine: ((line: string, raw: readonly Buffer[]) => unknown) | undefined, maxLine: number) => {
  const holds = new Set<PromiseLike<unknown>>();
  const hold = (p: unknown): void => {
    if (!isThenable(p) || holds.has(p)) return;
    holds.add(p);
    stream.pause();
    const release = (): void => {
      holds.delete(p);
      if (holds.size === 0 && !stream.destroyed) stream.resume();
    };
    p.then(release, release);
  };
  const lines = createByteLineSplitter((l, raw) => hold(onLine?.(l, raw)), maxLine);
  stream.on('data', (c: Buffer) => {
    lines.push(c);
    // child_process resumes its pipes when the child exits: still held, so one chunk at most gets through.
    if (holds.size > 0) stream.pause();
  });
  return { flush: () => lines.flush(), held: () => holds.size > 0 };
};

/**
 * Resolves once the stream has ended, or has been silent for `ms` while nothing of ours held it (a grandchild may
 * keep a pipe open forever). Reading held up by our own backpressure never counts as silence: no line is lost.
 */
const ended = (stream: Readable, ms: number, held: () => boolean): Promise<void> =>
  new Promise((resolve) => {
    if (stream.destroyed || stream.readableEnded) return resolve();
    let timer: NodeJS.Timeout | undefined;
    const cap = setTimeout(() => done(), STREAM_CLOSE_MAX_MS);
    const done = (): void => {
      clearTimeout(timer);
      clearTimeout(cap);
      stream.off('data', arm);
      resolve();
    };
    function arm(): void {
      clearTimeout(timer);
      timer = setTimeout(() => (held() ? arm() : done()), ms);
    }
    stream.on('data', arm);
    stream.once('end', done);
    stream.once('close', done);
    arm();
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

  const maxLine = opts.maxLineBytes ?? MAX_LINE_CHARS;
  const out = readLines(child.stdout, opts.onStdoutLine, maxLine);
  const err = readLines(child.stderr, opts.onStderrLine, maxLine);

  const result = new Promise<ProcessResult>((resolve) => {
    let settled = false;
    const finish = async (exitCode: number | null, signal: string | null, error?: string): Promise<void> => {
      if (settled) return;
      settled = true;
      if (pid > 1 && !killing && opts.killGroupOnExit !== false && groupMembers(pid).length > 0) stop();
      if (killing) await killing;
      await Promise.all([ended(child.stdout, STREAM_CLOSE_WAIT_MS, out.held), ended(child.stderr, STREAM_CLOSE_WAIT_MS, err.held)]);
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
