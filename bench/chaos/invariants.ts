// Chaos suite, part 5: what must hold at the end of a plan, however often the daemon and agents were killed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ourProcesses, type ChaosForge, type Exec, type Project } from './project.js';
import { squashSubject, type PlanTask } from './plan.js';

export interface ListTask {
  id: string;
  status: string;
}

export const parseJson = <T>(r: Exec, what: string): T => {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`orch ${what} --json printed no JSON (exit ${String(r.status)}):\n${r.stdout.slice(-500)}\n${r.stderr.slice(-1000)}`);
  }
};

const filesUnder = (dir: string): string[] => {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? [join(dir, d.name), ...filesUnder(join(dir, d.name))] : [join(dir, d.name)]));
};

export type Finding = { invariant: string; detail: string };

/** Every agent commit seen during the plan, by sha: the branch it headed and the trial it was seen in. */
export type SeenHeads = Map<string, { ref: string; trial: number }>;

export async function checkInvariants(p: Project, forge: ChaosForge, plan: PlanTask[], seenHeads: SeenHeads): Promise<Finding[]> {
  const out: Finding[] = [];
  const bad = (invariant: string, detail: string): void => void out.push({ invariant, detail });
  const ids = plan.map((t) => t.id);

  // Store and plan README agree: every task complete in the store and 🟢 in the README on the target.
  const list = parseJson<ListTask[]>(await p.orch(['list', '--json']), 'list');
  for (const t of list) if (t.status !== 'complete') bad('store-complete', `${t.id} is ${t.status} in the store`);
  const readme = await forge.show(p, 'docs/plans/README.md');
  for (const t of plan) {
    const row = readme.split('\n').find((l) => l.includes(`](${t.file})`));
    if (!row) bad('readme', `${t.id}: no README row`);
    else if (!row.includes('🟢') || /🔴|🟡/u.test(row)) bad('readme', `${t.id}: README row is "${row.trim()}"`);
  }

  // Every task merged exactly once: its squash commit is on the target (the forge's, for a remote) once.
  const target = await forge.targetRef(p);
  const subjects = (await p.git(['log', '--format=%s', target])).split('\n');
  for (const t of plan) {
    const n = subjects.filter((s) => s === squashSubject(t)).length;
    if (n !== 1) bad('merged-once', `${t.id}: its squash commit "${squashSubject(t)}" is on ${forge.target} ${n} times`);
  }
  const trailers = await p.git(['log', '--format=%B%x00', target]);
  for (const m of trailers.matchAll(/^Orch-Task: (\S+)\s*$/gm)) if (!ids.includes(m[1]!)) bad('merged-once', `unknown task ${m[1]} merged`);

  // Every agent commit reachable from the target or a saved ref.
  const saved = (await p.git(['for-each-ref', '--format=%(refname)', 'refs/orch/saved'])).split('\n').filter(Boolean);
  const reachable = new Set((await p.git(['rev-list', target, ...saved])).split('\n').filter(Boolean));
  for (const [sha, seen] of seenHeads) {
    if (!reachable.has(sha)) bad('reachable', `${sha.slice(0, 10)} (head of ${seen.ref} in trial ${seen.trial}) is on neither ${forge.target} nor a saved ref`);
  }

  for (const v of await forge.check(p, plan)) bad(`forge-${forge.name}`, v);

  // No process of ours left once the daemon is stopped.
  const stop = await p.orch(['daemon', 'stop'], 30_000);
  if (stop.status !== 0) bad('daemon-stop', `orch daemon stop exited ${String(stop.status)}: ${stop.stderr.trim().slice(-300)}`);
  let procs = ourProcesses(p);
  for (let i = 0; i < 20 && procs.length > 0; i++) {
    await sleep(100);
    procs = ourProcesses(p);
  }
  for (const pid of procs) bad('no-process', `pid ${pid} still running: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 200)}`);

  // No worktree left behind.
  const wts = (await p.git(['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree '));
  if (wts.length !== 1) bad('no-worktree', `git worktree list: ${wts.map((l) => l.slice(9)).join(', ')}`);
  const left = existsSync(p.worktreesRoot) ? readdirSync(p.worktreesRoot).flatMap((d) => filesUnder(join(p.worktreesRoot, d))) : [];
  if (left.length > 0) bad('no-worktree', `left in ${p.worktreesRoot}: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ` (+${left.length - 5})` : ''}`);
  return out;
}
