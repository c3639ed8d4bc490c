/**
 * How much memory V8 may hold for the TUI. Under a flood most of what the UI allocates is garbage within a frame or
 * two, and V8's defaults size its heap for throughput: bench:tui measured the young generation at 32 MB and the old
 * space at four times what was alive, of a peak RSS near 200 MB.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The young generation (both semi-spaces) the TUI lets V8 grow to: 4 MB each. */
export const NEW_SPACE_CAP = 8 * 1024 * 1024;

const newSpace = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? NEW_SPACE_CAP;

/**
 * Called by `orch tui` before it loads the UI: the young generation keeps its first size (2 MB) while modules load,
 * which would otherwise grow it to 16 MB before the first frame, past any cap (V8 never gives it back while busy).
 */
export function holdNewSpace(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

let capped = false;

/**
 * PERF: V8 grows the young generation to 16 MB per semi-space under a flood though a frame's garbage fits in a few.
 * Its maximum is fixed when Node starts (`--max-semi-space-size`, which a command cannot pass itself), but the factor
 * it grows by is read at each growth: set to what reaches the cap in one step (four from 2 MB), then to 1 once it is
 * there. Measured (bench:tui on a loaded 2-core machine): peak RSS 127-131 MB instead of 146-150 MB, key to screen and
 * frames per second within the noise; a fixed 2 MB saved 10 MB more at a sixth more CPU. If V8 grows past the cap
 * between two checks it stays where it would have been anyway.
 */
export function capNewSpace(): void {
  if (capped) return;
  capped = true;
  setFlagsFromString(`--semi-space-growth-factor=${Math.max(1, Math.floor(NEW_SPACE_CAP / Math.max(1, newSpace())))}`);
  const check = setInterval(() => {
    if (newSpace() < NEW_SPACE_CAP) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    clearInterval(check);
  }, 50);
  check.unref();
}

/**
 * PERF: V8 let the old space grow to four times what was alive before collecting it (bench:tui: heap 110-130 MB, of
 * which some 30 MB live); growing it by half keeps it near what is used. The flag is read at each collection, so
 * setting it now takes effect (measured); the process is the TUI's alone.
 */
export function boundHeap(): void {
  setFlagsFromString('--heap-growing-percent=50');
  capNewSpace();
}
