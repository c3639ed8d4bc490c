import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DecomposeResult, PlanDiff, PlanDiffTask } from '../../api/index.js';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, green, plural, red, yellow } from '../format.js';
import { err, out } from '../io.js';
import { formatPlanIssue } from './plan.js';

const MAX_SPEC = 200_000;

/** `orch plan decompose FILE [--module M]`: the planner's plan for a spec, on a new branch plan/<slug>. */
export async function decompose(globals: () => GlobalOptions, file: string, o: { module?: string; json?: boolean }): Promise<void> {
  const path = resolve(file);
  let spec: string;
  try {
    if (statSync(path).size > MAX_SPEC) throw new CliError(`${file} is over ${MAX_SPEC} bytes; split the spec and decompose each part (--module)`, Exit.input);
    spec = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}; pass the spec's path`, Exit.input);
  }
  if (!spec.trim()) throw new CliError(`${file} is empty; write what should be built, then decompose it`, Exit.input);
  const c = await client(globals(), 'read');
  if (!o.json && !globals().json) err(dim(`the planner reads ${file} and proposes a plan (this takes a while)...\n`));
  const r = await c.post<DecomposeResult>('/api/plan/decompose', { name: file, spec, ...(o.module ? { module: o.module } : {}) });
  process.exitCode = r.ok ? Exit.ok : Exit.failed;
  if (o.json || globals().json) return printJson(r);
  if (!r.ok || !r.branch || !r.diff) {
    for (const p of r.problems) err(`${red('problem')} ${p}\n`);
    for (const i of r.issues) err(`${formatPlanIssue(i)}\n`);
    err(`${red('no plan was made')}: ${r.error ?? 'the proposal was invalid'} (${plural(r.attempts, 'attempt')}); nothing was written. Make the spec more precise or try again.\n`);
    return;
  }
  out(`${green('created')} branch ${bold(r.branch)} from ${r.target} (${r.commit?.slice(0, 7)}), ${plural(r.attempts, 'attempt')}; your checkout and branches are untouched\n`);
  for (const f of r.files) out(`  ${f.change === 'added' ? green('+') : yellow('~')} ${f.path}\n`);
  printDiff(r.diff);
  out(`\nreview: orch plan diff ${r.branch}   (or git diff ${r.target}...${r.branch})\n`);
  out(`merge:  git merge ${r.branch} && orch sync   (or push it and open a pull request)\n`);
  out(`drop:   git branch -D ${r.branch}\n`);
}

/** `orch plan diff [BRANCH]`: the epics a plan branch adds, changes and removes. */
export async function diff(globals: () => GlobalOptions, branch: string | undefined, o: { json?: boolean }): Promise<void> {
  const c = await client(globals(), 'read');
  const d = await c.get<PlanDiff>(`/api/plan/diff?branch=${encodeURIComponent(branch ?? '')}`);
  process.exitCode = d.issues.length > 0 ? Exit.input : Exit.ok;
  if (o.json || globals().json) return printJson(d);
  out(`${bold(d.branch)} against ${d.target} (from ${d.base.slice(0, 7)}):\n`);
  printDiff(d);
  for (const i of d.issues) err(`${formatPlanIssue(i)}\n`);
  if (d.issues.length > 0) err(`${red('the plan on this branch is invalid')}: fix the files above on ${d.branch} before merging it\n`);
}

function printDiff(d: Pick<PlanDiff, 'added' | 'changed' | 'removed'>): void {
  const line = (mark: string, t: PlanDiffTask, extra = '') => out(`  ${mark} ${t.id}  ${t.title}${t.dependsOn.length ? dim(`  after ${t.dependsOn.join(', ')}`) : ''}${extra}\n`);
  if (d.added.length + d.changed.length + d.removed.length === 0) return void out('  no epic added, changed or removed\n');
  out(`epics: ${d.added.length} added, ${d.changed.length} changed, ${d.removed.length} removed\n`);
  for (const t of d.added) line(green('+'), t);
  for (const t of d.changed) line(yellow('~'), t, dim(`  (${(t.fields ?? []).join(', ')})`));
  for (const t of d.removed) line(red('-'), t);
}
