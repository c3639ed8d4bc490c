import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Redactor } from '../secrets/index.js';

/**
 * Bytes a run's log may buffer before `write` asks its caller to hold the agent's output. Large enough that one
 * pipe chunk (64 KiB) and a long line fit without stalling, small enough that 50 flooding agents buffer ~13 MiB.
 */
export const RUN_LOG_HIGH_WATER = 256 * 1024;

interface Log {
  w: WriteStream;
  /** Entries of this tick, written as one chunk when the tick ends. */
  parts: Buffer[];
  size: number;
  /** `time<TAB>` of this tick. */
  time?: Buffer;
  drain?: Promise<void>;
}

const NEWLINE = Buffer.from('\n');
const STREAM_TAGS = { out: Buffer.from('out\t'), err: Buffer.from('err\t'), orch: Buffer.from('orch\t') };

/**
 * Each run's log: `<logsDir>/<runId>.log`, one `time<TAB>stream<TAB>line` entry a line. `write` keeps every line
 * and returns a promise while the log is over its high-water mark (resolved on 'drain'): the caller pauses the
 * agent's output until then, so a fast agent blocks on its pipe instead of growing the daemon.
 */
export function createRunLogs(logsDir: string, onError: (runId: string, e: Error) => void = () => undefined, redact?: Redactor) {
  const logs = new Map<string, Log>();
  // PERF: the lines of one pipe chunk arrive in one tick and are written as one buffer, from the agent's own bytes:
  // no decoding, escaping or re-encoding per line (50 agents flooding, bench/ingest.ts).
  const flush = (log: Log): void => {
    if (log.parts.length === 0) return;
    const chunk = Buffer.concat(log.parts, log.size);
    log.parts = [];
    log.size = 0;
    log.time = undefined;
    // Secrets an agent or a tool printed never reach the disk (the scan is native; decoding only on a hit).
    if (!log.w.destroyed) log.w.write(redact ? redact.buffer(chunk) : chunk);
  };
  const add = (log: Log, b: Buffer): void => {
    log.parts.push(b);
    log.size += b.length;
  };
  const drained = (log: Log): Promise<void> => {
    log.drain ??= new Promise<void>((resolve) => {
      const done = (): void => {
        log.w.off('drain', done).off('close', done);
        log.drain = undefined;
        resolve();
      };
      // 'close' also follows an error: a broken log must not hold the agent forever.
      log.w.on('drain', done).on('close', done);
    });
    return log.drain;
  };
  const open = (runId: string): Log => {
    mkdirSync(logsDir, { recursive: true, mode: 0o700 });
    const w = createWriteStream(join(logsDir, `${runId}.log`), { flags: 'a', mode: 0o600, highWaterMark: RUN_LOG_HIGH_WATER });
    const log: Log = { w, parts: [], size: 0 };
    w.on('error', (e) => {
      // A full disk must not silence the run for good: forget the broken stream, the next line opens it again.
      if (logs.get(runId) === log) logs.delete(runId);
      onError(runId, e);
    });
    logs.set(runId, log);
    return log;
  };
  const close = (runId: string): void => {
    const log = logs.get(runId);
    if (!log) return;
    flush(log);
    log.w.end();
    logs.delete(runId);
  };
  return {
    /** `raw`: the line's bytes when the caller has them (then `l` is not used). Lines never hold a newline. */
    write(runId: string, s: 'out' | 'err' | 'orch', l: string, raw?: readonly Buffer[]): Promise<void> | undefined {
      const log = logs.get(runId) ?? open(runId);
      if (log.parts.length === 0) queueMicrotask(() => flush(log));
      log.time ??= Buffer.from(`${new Date().toISOString()}\t`);
      add(log, log.time);
      add(log, STREAM_TAGS[s]);
      // PERF: no JSON escaping of agent output that is already JSON: escaping was 44% of the daemon's main thread
      // with 50 agents flooding (bench/ingest.ts).
      if (raw) for (const b of raw) add(log, b);
      else add(log, Buffer.from(l));
      add(log, NEWLINE);
      if (log.w.destroyed || log.w.writableLength + log.size < RUN_LOG_HIGH_WATER) return undefined;
      return drained(log);
    },
    close,
    closeAll(): void {
      for (const id of [...logs.keys()]) close(id);
    },
  };
}

export type RunLogs = ReturnType<typeof createRunLogs>;
