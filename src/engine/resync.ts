/**
 * A source that changed by itself (a readiness check answered) is read again; changes during a sync run one more
 * afterwards, never two syncs at once.
 */
export function createResync(sync: () => Promise<unknown>, log: (msg: string) => void, stopping: () => boolean): () => void {
  let resyncing = false;
  let again = false;
  const resync = (): void => {
    if (stopping()) return;
    if (resyncing) {
      again = true;
      return;
    }
    resyncing = true;
    void sync()
      .catch((e: unknown) => log(`sync after a source change failed: ${(e as Error).message}`))
      .finally(() => {
        resyncing = false;
        if (again) {
          again = false;
          resync();
        }
      });
  };
  return resync;
}
