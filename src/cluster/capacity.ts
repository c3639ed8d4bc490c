/** A counting semaphore without waiting: the worker's `--jobs` across every queue it serves. */
export function createCapacity(max: number) {
  let used = 0;
  return {
    tryAcquire(): boolean {
      if (used >= max) return false;
      used++;
      return true;
    },
    release(): void {
      used = Math.max(0, used - 1);
    },
    get used() {
      return used;
    },
    get free() {
      return max - used;
    },
  };
}
