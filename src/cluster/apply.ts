import { createRunner, type GitResult } from '../git/index.js';

/** Below this many objects a worker's pack is unpacked as loose objects (as `fetch.unpackLimit`); above, kept as a pack. */
const UNPACK_LIMIT = 100;

/** The number of objects a git pack says it holds, or undefined when it is no pack (`PACK`, version 2 or 3, count). */
export function packObjectCount(pack: Buffer): number | undefined {
  if (pack.length < 12 || pack.toString('latin1', 0, 4) !== 'PACK') return undefined;
  const version = pack.readUInt32BE(4);
  return version === 2 || version === 3 ? pack.readUInt32BE(8) : undefined;
}

/**
 * The daemon's side: stores a worker's pack (the objects of the commits from `startSha` to `head`) in the project's
 * repository and fast-forwards the run's worktree (which must still be at `startSha`) to `head`, so the rest of the
 * run (checks, review, merge) works on the agent's result as if it had run here.
 *
 * PERF: two git processes, no file. `unpack-objects --strict` / `index-pack --strict` check every object the pack
 * brings and that everything it links to is here (the start commit's objects); the fast-forward refuses a head that
 * does not descend from the start, and a head the pack did not bring is not here. No ref is made, no automatic
 * maintenance runs (the daemon's own commits and merges run it). The ancestry is asked only to explain a refusal.
 */
export async function applyPack(o: { root: string; worktree: string; startSha: string; head: string; pack: Buffer; env?: NodeJS.ProcessEnv }): Promise<void> {
  const runner = createRunner({ env: o.env ?? process.env });
  const run = (args: string[], cwd: string, input?: Buffer): Promise<GitResult> => runner.run(args, { cwd, ...(input ? { input } : {}) });
  const count = packObjectCount(o.pack);
  if (count === undefined) throw new Error(`the worker's result is not a git pack (it starts with ${JSON.stringify(o.pack.toString('latin1', 0, 8))}); run the same Orch version on the daemon and its workers`);
  const stored = count < UNPACK_LIMIT
    ? await run(['unpack-objects', '-q', '--strict'], o.root, o.pack)
    : await run(['index-pack', '--stdin', '--strict'], o.root, o.pack);
  if (stored.exitCode !== 0) {
    const why = stored.stderr.trim().split('\n').slice(-3).join('; ');
    const missing = /unexpected type|did not receive expected object|missing|unable to read/i.test(why);
    throw new Error(
      missing
        ? `its pack links to objects this repository does not have (${why}): the worker started from a commit that is not here; run the turn again`
        : `its pack is damaged (${why}): run the turn again; if it happens every time, check the worker's git (git --version there)`,
    );
  }
  const merged = await run(['-c', 'maintenance.auto=false', 'merge', '-q', '--ff-only', o.head], o.worktree);
  if (merged.exitCode === 0) return;
  if ((await run(['cat-file', '-e', `${o.head}^{commit}`], o.root)).exitCode !== 0) throw new Error(`the worker said its work ends at ${o.head} but its pack does not hold that commit`);
  if ((await run(['merge-base', '--is-ancestor', o.startSha, o.head], o.root)).exitCode !== 0) throw new Error(`the worker's result ${o.head.slice(0, 10)} does not descend from ${o.startSha.slice(0, 10)}; refusing it`);
  throw new Error(`moving the run branch to the worker result failed with exit code ${merged.exitCode}: git ${merged.command.join(' ')}\n${merged.stderr.trim().split('\n').slice(-5).join('\n')}`);
}
