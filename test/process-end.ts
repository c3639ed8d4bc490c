/**
 * Cleanups that must run however the test process ends: normally, by a signal (a killed or interrupted vitest), or
 * when the vitest process that forked it is gone (its IPC channel closes). Without them a killed run left its tmux
 * server, the TUI in it, the daemon and the simulated model running for hours.
 *
 * Each cleanup is synchronous (spawnSync, kill) and runs once; `afterAll` calls the returned function to run it and
 * drop it in the normal case.
 */
const pending = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const fn of [...pending]) {
    pending.delete(fn);
    try {
      fn();
    } catch {
      // Best effort: one cleanup failing must not keep the others from running.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      runAll();
      // Then die of the same signal, as the process would have without this handler.
      process.off(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
  // A forked vitest worker whose parent died: nothing will end this process in order any more.
  if (process.send) process.once('disconnect', runAll);
}

/** Registers `fn` to run when the process ends; the returned function runs it now (once) instead. */
export function onProcessEnd(fn: () => void): () => void {
  install();
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    pending.delete(once);
    fn();
  };
  pending.add(once);
  return once;
}
