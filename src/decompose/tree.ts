import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GitRunner } from '../git/index.js';
import { parsePlan, type ParsedPlan } from '../plans/index.js';

/**
 * The plans folder as it is at `ref`, written into a scratch directory through a private index (read-tree of the
 * folder alone, checkout-index with a prefix): the user's checkout, index and branches are never touched. A ref without the folder gives an empty directory.
 */
export async function planAt(git: GitRunner, root: string, ref: string, plansDir: string, scratch: string): Promise<{ dir: string; dispose: () => void }> {
  const dir = mkdtempSync(join(scratch, 'orch-plan-'));
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  const fail = (r: { stderr: string; exitCode: number | null }): never => {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot read ${plansDir} at ${ref}: ${r.stderr.trim().split('\n').at(-1) ?? `git exited with ${r.exitCode}`}`);
  };
  // Only the plans folder goes into the private index, so only it is written out.
  const exists = await git.run(['cat-file', '-e', `${ref}:${plansDir}`], { cwd: root });
  if (exists.exitCode === 0) {
    const read = await git.run(['read-tree', `--prefix=${plansDir}/`, `${ref}:${plansDir}`], { cwd: root, env });
    if (read.exitCode !== 0) fail(read);
    const out = await git.run(['checkout-index', '--all', `--prefix=${tree}/`], { cwd: root, env });
    if (out.exitCode !== 0) fail(out);
  }
  return { dir: tree, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Parses the plan of a checked-out tree; a missing plans folder is an empty plan, not a problem. */
export async function parseTree(tree: string, plansDir: string): Promise<ParsedPlan> {
  const plan = await parsePlan(tree, { plansDir });
  return { ...plan, issues: plan.issues.filter((i) => i.code !== 'no_plans_dir') };
}
