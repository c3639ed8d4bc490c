import type { ChildProcess } from 'node:child_process';

/**
 * Short-lived helper processes the daemon starts outside agent runs (a tracker CLI such as `bd`). On shutdown each
 * is ended and waited for, so none outlives the daemon (a `bd list` spawned while `orch daemon stop` ran used to keep
 * running, and writing, after the daemon had gone). Once stopping, a new one is ended as soon as it starts.
 */
export interface ChildTracker {
  track: (child: ChildProcess) => void;
  /** SIGTERM to each, SIGKILL to those still there after `graceMs`; resolves when all have exited. */
  endAll: (graceMs?: number) => Promise<void>;
}

export function createChildTracker(): ChildTracker {
  const live = new Set<ChildProcess>();
  let stopping = false;
  const exited = (c: ChildProcess): boolean => c.exitCode !== null || c.signalCode !== null;
  return {
    track(child) {
      if (exited(child)) return;
      live.add(child);
      child.once('exit', () => live.delete(child));
      // A child that could not start (ENOENT) emits no 'exit' on some paths: 'close' ends it too.
      child.once('close', () => live.delete(child));
      if (stopping) child.kill('SIGTERM');
    },
    async endAll(graceMs = 2_000) {
      stopping = true;
      const waiting = [...live].map((c) => new Promise<void>((resolve) => {
        if (exited(c)) return resolve();
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
        const hard = setTimeout(() => c.kill('SIGKILL'), graceMs);
        hard.unref();
        c.once('exit', () => clearTimeout(hard));
      }));
      await Promise.all(waiting);
    },
  };
}
