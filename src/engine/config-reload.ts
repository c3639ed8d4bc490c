import type { Config } from '../config/index.js';

/** Settings a running daemon takes over in place; every other change needs `orch daemon restart`. */
const RELOADABLE = ['max_parallel_agents', 'daemon.idle_minutes'];
/**
 * Whole tables a running daemon takes over: budgets (read at each check) and notifications (channels rebuilt, the
 * Telegram reply poller with them).
 */
const RELOADABLE_TABLES = ['budget.', 'notify.'];
const reloadable = (key: string): boolean => RELOADABLE.includes(key) || RELOADABLE_TABLES.some((t) => key.startsWith(t));

const flat = (o: unknown, pre = ''): Map<string, string> => {
  const m = new Map<string, string>();
  if (o && typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) for (const [kk, vv] of flat(v, pre ? `${pre}.${k}` : k)) m.set(kk, vv);
  else m.set(pre, JSON.stringify(o));
  return m;
};

/**
 * What changed between the config a daemon runs with and the one on disk: `applied` (reloadable, as
 * `key old -> new`), `restart` (keys that need a restart), and the config with the reloadable values taken over.
 */
export function configReload(cfg: Config, next: Config): { applied: string[]; restart: string[]; config: Config } {
  const applied: string[] = [];
  const restart: string[] = [];
  const before = flat(cfg);
  const after = flat(next);
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(key) === after.get(key)) continue;
    if (reloadable(key)) applied.push(`${key} ${before.get(key) ?? 'unset'} -> ${after.get(key) ?? 'unset'}`);
    else restart.push(key);
  }
  const changed = (table: string): boolean => applied.some((a) => a.startsWith(table));
  const config =
    applied.length > 0
      ? {
          ...cfg,
          max_parallel_agents: next.max_parallel_agents,
          daemon: { ...cfg.daemon, idle_minutes: next.daemon.idle_minutes },
          ...(changed('budget.') ? { budget: next.budget } : {}),
          ...(changed('notify.') ? { notify: next.notify } : {}),
        }
      : cfg;
  return { applied, restart, config };
}
