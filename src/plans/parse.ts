import { join, posix, relative, resolve, sep } from 'node:path';
import { findCycles, formatCycle } from '../graph/index.js';
import { parseEpic } from './epic.js';
import type { EpicDraft } from './epic.js';
import { realpathSync } from 'node:fs';
import { readModuleFolders, readOptionalPlanFile } from './files.js';
import { followLink } from './safe-read.js';
import type { ModuleFolder, PlanFileCache } from './files.js';
import { parseFrontmatterYaml, splitFrontmatter } from './frontmatter.js';
import { formatTaskId, isModuleName, moduleKey, moduleName, taskKey, titleWithoutEpicPrefix } from './ids.js';
import { readmeRows } from './readme-table.js';
import { fromProse, indexTasks, resolveDependency } from './resolve.js';
import type { TaskIndex, WrittenDependency } from './resolve.js';
import type { DependencySource, ModuleInfo, ParsedPlan, PlanIssue, PlanTask } from './types.js';

export interface ParseOptions {
  /** Plans folder relative to `root` (or absolute). Default `docs/plans`. */
  plansDir?: string;
  /** Keeps files and parsed epics between reads of the same plan (a daemon's syncs): unchanged files are only stat'ed. */
  cache?: PlanFileCache;
  /**
   * The agent names a task may pick with `agent:` (backend ids and the names under [agents]); another name is an
   * error naming file, line and key. Undefined: not checked (the charset still is).
   */
  agents?: readonly string[];
}

/**
 * Reads the plan under `<root>/<plansDir>`: module folders, epic files and the README's status tables.
 * Content problems never throw; they come back as `issues` (errors make the plan unusable as a whole).
 * Only unexpected file-system failures (permissions, I/O) reject.
 */
export async function parsePlan(root: string, options: ParseOptions = {}): Promise<ParsedPlan> {
  const absRoot = resolve(root);
  const absDir = resolve(absRoot, options.plansDir ?? 'docs/plans');
  const plansDir = toPosix(relative(absRoot, absDir)) || '.';
  const empty: ParsedPlan = { root: absRoot, plansDir, modules: [], tasks: [], issues: [] };

  let listing: Awaited<ReturnType<typeof readModuleFolders>>;
  let readme: string | undefined;
  try {
    // Plan files are read only inside the repository; the plans folder itself may not lead out of it either.
    const realRoot = realpathSync(absRoot);
    const where = followLink(absDir, realRoot);
    if (!where.ok && where.reason === 'outside') {
      empty.issues.push({ severity: 'error', code: where.code, file: plansDir, line: 0, message: `the plans folder ${plansDir} ${where.message}`, fix: where.fix });
      return empty;
    }
    listing = await readModuleFolders(absDir, plansDir, realRoot, options.cache);
    const file = readOptionalPlanFile(join(absDir, 'README.md'), realRoot);
    if (file && !file.ok) listing.issues.push({ severity: 'error', code: file.code, file: posix.join(plansDir, 'README.md'), line: 0, message: `README.md ${file.message}`, fix: file.fix });
    readme = file?.ok ? file.content : undefined;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      empty.issues.push({ severity: 'error', code: 'unsafe_file', file: plansDir, line: 0, message: `the plans folder ${plansDir} is a symbolic link loop`, fix: `make ${plansDir} a folder of the repository` });
      return empty;
    }
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw cause;
    empty.issues.push({
      severity: 'error',
      code: 'no_plans_dir',
      file: plansDir,
      line: 0,
      message: `plans folder ${plansDir} does not exist`,
      fix: `create ${plansDir}/<module>/epic-01-<slug>.md (with a "# Title" line), or run \`orch onboard\``,
    });
    return empty;
  }

  // PERF: a sync that finds every file as it was (the same names, the same text) gets the plan it made last time:
  // the README tables, dependencies and cycles of 2,000 epics are not worked out again (issue 12). Nothing
  // downstream changes a parsed plan, as nothing changes a parsed epic.
  const inputs = planInputs(listing, readme, plansDir, options.agents);
  const last = options.cache?.plan;
  if (last && sameInputs(last.inputs, inputs)) return last.value as ParsedPlan;
  const plan = buildPlan(absRoot, plansDir, listing, readme, options);
  if (options.cache) options.cache.plan = { inputs, value: plan };
  return plan;
}

/** Everything a plan is made of, in order: a change to any file's name or text, or to the options, shows here. */
function planInputs(listing: { folders: ModuleFolder[]; issues: PlanIssue[] }, readme: string | undefined, plansDir: string, agents: readonly string[] | undefined): string[] {
  const out = [plansDir, agents === undefined ? '\0all agents' : agents.join('\0'), readme ?? '\0no readme'];
  for (const issue of listing.issues) out.push(JSON.stringify(issue));
  for (const folder of listing.folders) {
    out.push('\0folder', folder.folder, folder.dir, folder.overview ?? '\0no overview');
    for (const epic of folder.epics) out.push(epic.file, String(epic.epic), epic.content);
  }
  return out;
}

const sameInputs = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

function buildPlan(absRoot: string, plansDir: string, listing: { folders: ModuleFolder[]; issues: PlanIssue[] }, readme: string | undefined, options: ParseOptions): ParsedPlan {
  const issues: PlanIssue[] = [...listing.issues];
  const modules = new Map<string, ModuleInfo>();
  const drafts: { draft: EpicDraft; module: string; epic: number }[] = [];
  for (const folder of listing.folders) {
    const name = folderModule(folder, issues);
    if (!isModuleName(name)) {
      issues.push({
        severity: 'warning',
        code: 'bad_filename',
        file: folder.dir,
        line: 0,
        message: `folder \`${folder.folder}\` is skipped: "${name}" cannot be a module name, which ends up in ids and branch names`,
        fix: 'rename the folder to letters, digits, `_`, `.` and `-` only (e.g. billing-module)',
      });
      continue;
    }
    const info = modules.get(moduleKey(name)) ?? { name, dir: folder.dir };
    if (folder.overview !== undefined && info.overview === undefined) info.overview = folder.overview;
    modules.set(moduleKey(name), info);
    for (const epic of folder.epics) {
      const draft = parseCached(epic.content, epic.file, options.cache);
      issues.push(...draft.issues);
      const own = draft.meta.module === undefined ? name : moduleName(draft.meta.module);
      if (!modules.has(moduleKey(own))) modules.set(moduleKey(own), { name: own, dir: folder.dir });
      drafts.push({ draft, module: modules.get(moduleKey(own))!.name, epic: draft.meta.epic ?? epic.epic });
    }
  }

  if (options.cache && options.cache.parsed.size > drafts.length) {
    const live = new Set(drafts.map((d) => d.draft.file));
    for (const file of options.cache.parsed.keys()) if (!live.has(file)) options.cache.parsed.delete(file);
  }
  if (options.agents) checkAgents(drafts, options.agents, issues);
  const tasks = buildTasks(drafts, issues);
  const index = indexTasks(tasks);
  const drafted = new Map(drafts.map((d) => [d.draft.file, d.draft]));
  for (const task of tasks) resolveAll(task, drafted.get(task.file)!, index, issues);
  reportCycles(tasks, issues);

  // A folder whose epics all moved to another module by `module:` is no module of its own.
  const moduleList = [...modules.values()]
    .filter((m) => m.overview !== undefined || index.byModule.has(moduleKey(m.name)))
    .sort((a, b) => compare(a.name, b.name));
  if (readme !== undefined) applyReadme(readme, plansDir, moduleList, index, issues);
  for (const task of tasks) {
    const draft = drafted.get(task.file)!;
    if (draft.markerStatus) task.planStatus = draft.markerStatus;
  }

  issues.sort((a, b) => compare(a.file, b.file) || a.line - b.line || compare(a.code, b.code));
  return { root: absRoot, plansDir, modules: moduleList, tasks, issues };
}

/** parseEpic is pure: the same text of the same file gives the same draft, which nothing downstream changes. */
function parseCached(content: string, file: string, cache: PlanFileCache | undefined): EpicDraft {
  const hit = cache?.parsed.get(file);
  if (hit?.content === content) return hit.value as EpicDraft;
  const draft = parseEpic(content, file);
  cache?.parsed.set(file, { content, value: draft });
  return draft;
}

function checkAgents(drafts: readonly { draft: EpicDraft }[], agents: readonly string[], issues: PlanIssue[]): void {
  for (const { draft } of drafts) {
    const name = draft.meta.agent;
    if (name === undefined || agents.includes(name)) continue;
    issues.push({
      severity: 'error',
      code: 'bad_field',
      file: draft.file,
      line: draft.meta.agentLine ?? 1,
      message: `agent: got ${JSON.stringify(name)}, expected one of: ${agents.join(', ')}`,
      fix: `use one of those names, or add [agents.${name}] to your config (e.g. backend = "codex")`,
    });
  }
}

/** Module name of a folder: `module:` in 00-overview.md frontmatter, else the folder name without `-module`. */
function folderModule(folder: ModuleFolder, issues: PlanIssue[]): string {
  const fallback = moduleName(folder.folder);
  if (folder.overview === undefined) return fallback;
  const split = splitFrontmatter(folder.overview.replace(/^\uFEFF/, ''));
  if (split.kind !== 'block') return fallback;
  const parsed = parseFrontmatterYaml(split.yaml, split.yamlLine);
  const file = posix.join(folder.dir, '00-overview.md');
  if (!parsed.ok) {
    issues.push({
      severity: 'error',
      code: 'bad_frontmatter',
      file,
      line: parsed.line,
      message: parsed.limit ? `${parsed.message}, so it is not parsed` : `frontmatter is not valid YAML: ${parsed.message}`,
      fix: parsed.limit ? 'keep frontmatter to a few `key: value` lines; move long text into the body' : (parsed.fix ?? 'fix the YAML between the `---` lines'),
    });
    return fallback;
  }
  const value = parsed.data.module;
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && isModuleName(moduleName(value))) return moduleName(value);
  issues.push({
    severity: 'error',
    code: 'bad_field',
    file,
    line: parsed.lines.get('module')?.line ?? 1,
    message: `module: got ${JSON.stringify(value)}, expected a module name (letters, digits, \`_\`, \`.\`, \`-\`)`,
    fix: 'write `module: <name>` or remove the key to use the folder name',
  });
  return fallback;
}

function buildTasks(drafts: readonly { draft: EpicDraft; module: string; epic: number }[], issues: PlanIssue[]): PlanTask[] {
  const seen = new Map<string, PlanTask>();
  for (const { draft, module, epic } of drafts) {
    const id = formatTaskId(module, epic);
    const key = taskKey(module, epic);
    const first = seen.get(key);
    if (first) {
      issues.push({
        severity: 'error',
        code: 'duplicate_id',
        file: draft.file,
        line: 1,
        message: `${id} is defined twice: ${first.file} and ${draft.file}`,
        fix: 'give one of them another epic number (rename the file or change `epic:`/`module:` in its frontmatter)',
      });
      continue;
    }
    const { meta } = draft;
    seen.set(key, {
      id,
      module,
      epic,
      title: draft.title === undefined ? posix.basename(draft.file, '.md') : titleWithoutEpicPrefix(draft.title, epic),
      description: draft.description,
      file: draft.file,
      body: draft.body,
      priority: meta.priority ?? 'medium',
      dependsOn: [],
      dependencySources: [],
      needsReview: meta.needsReview ?? false,
      touches: meta.touches,
      conflictsWith: meta.conflictsWith,
      ...(meta.deliverables.length > 0 ? { deliverables: meta.deliverables } : {}),
      ...(meta.agent !== undefined ? { agent: meta.agent } : {}),
      ...(meta.model !== undefined ? { model: meta.model } : {}),
      ...(meta.workflow !== undefined ? { workflow: meta.workflow } : {}),
      ...(draft.marker ? { marker: draft.marker } : {}),
    });
  }
  return [...seen.values()].sort((a, b) => compare(moduleKey(a.module), moduleKey(b.module)) || a.epic - b.epic);
}

/** Implicit (previous epic of the module), frontmatter and prose dependencies, resolved to ids. */
function resolveAll(task: PlanTask, draft: EpicDraft, index: TaskIndex, issues: PlanIssue[]): void {
  const sources: DependencySource[] = [];
  const siblings = index.byModule.get(moduleKey(task.module)) ?? [];
  const previous = siblings[siblings.indexOf(task) - 1];
  if (previous) sources.push({ id: previous.id, kind: 'implicit', line: 1 });
  const written: WrittenDependency[] = [
    ...draft.meta.dependsOn.map((d): WrittenDependency => ({ ref: d.ref, kind: 'frontmatter', line: d.line, text: d.text })),
    ...draft.prose.map((ref) => fromProse(ref, task)),
  ];
  for (const dep of written) {
    const found = resolveDependency(dep, task, index);
    if ('code' in found) issues.push(found);
    else if (found !== task) sources.push({ id: found.id, kind: dep.kind, line: dep.line });
  }
  const unique = new Map(sources.map((s) => [`${s.id} ${s.kind} ${s.line}`, s]));
  task.dependencySources = [...unique.values()];
  task.dependsOn = [...new Set(sources.map((s) => s.id))].sort(compare);
}

function reportCycles(tasks: readonly PlanTask[], issues: PlanIssue[]): void {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const cycle of findCycles(tasks)) {
    const edges = cycle.map((id, i) => {
      const next = cycle[(i + 1) % cycle.length]!;
      const task = byId.get(id)!;
      // A dependency written down is the one a person can remove; the previous-epic one only goes by renumbering.
      const of = task.dependencySources.filter((s) => s.id === next);
      const source = of.find((s) => s.kind !== 'implicit') ?? of[0];
      return { task, next, source };
    });
    const first = edges[0]!;
    const where = edges
      .map(({ task, next, source }) =>
        source?.kind === 'implicit'
          ? `${task.id} -> ${next} (previous epic of the module, ${task.file}: it goes only if ${task.id} is numbered before ${next})`
          : `${task.id} -> ${next} (${source?.kind ?? 'unknown'}, ${task.file}:${source?.line ?? 1})`,
      )
      .join('; ');
    issues.push({
      severity: 'error',
      code: 'cycle',
      file: first.task.file,
      line: first.source?.line ?? 1,
      message: `dependency cycle: ${formatCycle(cycle)}`,
      fix: `remove one of these dependencies: ${where}`,
    });
  }
}

function applyReadme(readme: string, plansDir: string, modules: readonly ModuleInfo[], index: TaskIndex, issues: PlanIssue[]): void {
  const file = posix.join(plansDir, 'README.md');
  const done = new Set<PlanTask>();
  for (const row of readmeRows(readme, plansDir, modules)) {
    const target = row.target;
    const task = target.kind === 'file' ? index.byFile.get(target.path) : index.byKey.get(taskKey(target.module, target.epic));
    if (task) {
      // The first row that names a task wins; setReadmeStatus keeps every row in step.
      if (!done.has(task)) task.planStatus = row.status;
      done.add(task);
      continue;
    }
    const named = target.kind === 'file' ? target.path : formatTaskId(target.module, target.epic);
    issues.push({
      severity: 'warning',
      code: 'readme_unknown_task',
      file,
      line: row.line,
      message: `README row names ${named}, which is not an epic of this plan`,
      fix: target.kind === 'file' ? 'fix the link or remove the row' : `remove the row, fix the id, or create the epic file for ${named}`,
    });
  }
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function compare(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
