import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/** Each run's log: `<logsDir>/<runId>.log`, one `time<TAB>stream<TAB>line` entry a line. */
export function createRunLogs(logsDir: string) {
  const logs = new Map<string, WriteStream>();
  const close = (runId: string): void => {
    logs.get(runId)?.end();
    logs.delete(runId);
  };
  return {
    write(runId: string, s: 'out' | 'err' | 'orch', l: string): void {
      let w = logs.get(runId);
      if (!w) {
        mkdirSync(logsDir, { recursive: true });
        const stream = createWriteStream(join(logsDir, `${runId}.log`), { flags: 'a' });
        // A full disk must not take the daemon down: drop the stream, the next line opens it again.
        stream.on('error', () => {
          if (logs.get(runId) === stream) logs.delete(runId);
        });
        w = stream;
        logs.set(runId, w);
      }
      // PERF: no JSON escaping of agent output that is already JSON: escaping was 44% of the daemon's main thread
      // with 50 agents flooding (bench/ingest.ts). Lines never hold a newline.
      w.write(`${new Date().toISOString()}\t${s}\t${l}\n`);
    },
    close,
    closeAll(): void {
      for (const id of [...logs.keys()]) close(id);
    },
  };
}
