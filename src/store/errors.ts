/** SQLite's "database or disk is full" and the OS's ENOSPC: nothing could be written, and nothing was half-written. */
export function isDiskFull(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || (e instanceof Error && /database or disk is full|ENOSPC/.test(e.message));
}
