import { posix } from 'node:path';
import { closest, editDistance, formatTaskId, moduleKey, taskKey } from './ids.js';
import type { TaskRef } from './ids.js';
import type { ProseRef } from './prose.js';
import type { DependencySource, PlanIssue, PlanTask } from './types.js';

/** Looks tasks up by any spelling of their id, by file, and suggests near misses. */
export interface TaskIndex {
  byKey: Map<string, PlanTask>;
  byFile: Map<string, PlanTask>;
  /** moduleKey -> module name as used in ids. */
  modules: Map<string, string>;
  /** moduleKey -> tasks of that module, by epic number. */
  byModule: Map<string, PlanTask[]>;
  byEpic: Map<number, PlanTask[]>;
}

export function indexTasks(tasks: readonly PlanTask[]): TaskIndex {
  const index: TaskIndex = { byKey: new Map(), byFile: new Map(), modules: new Map(), byModule: new Map(), byEpic: new Map() };
  for (const task of tasks) {
    index.byKey.set(taskKey(task.module, task.epic), task);
    index.byFile.set(task.file, task);
    const key = moduleKey(task.module);
    index.modules.set(key, task.module);
    const list = index.byModule.get(key) ?? [];
    list.push(task);
    index.byModule.set(key, list);
    const same = index.byEpic.get(task.epic) ?? [];
    same.push(task);
    index.byEpic.set(task.epic, same);
  }
  for (const list of index.byModule.values()) list.sort((a, b) => a.epic - b.epic);
  return index;
}

export interface WrittenDependency {
  ref: TaskRef | { file: string };
  kind: DependencySource['kind'];
  line: number;
  /** As written, for messages. */
  text: string;
  /** Prose "word E03" where the word may not be a module. */
  loose?: boolean;
}

export function fromProse(ref: ProseRef, task: PlanTask): WrittenDependency {
  if (ref.kind === 'link') {
    const file = posix.normalize(posix.join(posix.dirname(task.file), safeDecode(ref.target.replace(/#.*$/, ''))));
    return { ref: { file }, kind: 'prose', line: ref.line, text: ref.text };
  }
  const taskRef: TaskRef = ref.module === undefined ? { epic: ref.epic } : { module: ref.module, epic: ref.epic };
  return { ref: taskRef, kind: 'prose', line: ref.line, text: ref.text, loose: ref.loose };
}

/** The task a written dependency names, or an `unknown_dependency` issue. */
export function resolveDependency(dep: WrittenDependency, task: PlanTask, index: TaskIndex): PlanTask | PlanIssue {
  if ('file' in dep.ref) {
    const found = index.byFile.get(dep.ref.file);
    if (found) return found;
    return unknown(task, dep, `links to ${dep.ref.file}, which is not an epic file of this plan`, undefined, index);
  }
  let ref = dep.ref;
  if (ref.module !== undefined && dep.loose && !index.modules.has(moduleKey(ref.module))) {
    // "After completing E03": the word is filler unless it is a near miss of a real module name.
    const near = closest(moduleKey(ref.module), index.modules.keys());
    const typo = near !== undefined && ref.module.length >= 4 && near.distance <= Math.max(1, Math.floor(ref.module.length / 4));
    if (!typo) ref = { epic: ref.epic };
  }
  const module = ref.module ?? task.module;
  const found = index.byKey.get(taskKey(module, ref.epic));
  if (found) return found;
  const written = formatTaskId(module, ref.epic);
  return unknown(task, dep, `depends on ${written}, which does not exist`, { module, epic: ref.epic }, index);
}

function unknown(task: PlanTask, dep: WrittenDependency, what: string, ref: Required<TaskRef> | undefined, index: TaskIndex): PlanIssue {
  const suggestion = ref ? suggest(ref, index) : undefined;
  const known = [...index.modules.values()].sort();
  const shown = known.length > 12 ? `${known.slice(0, 12).join(', ')}, ...` : known.join(', ');
  return {
    severity: 'error',
    code: 'unknown_dependency',
    file: task.file,
    line: dep.line,
    message: `${task.id} ${what} (${dep.kind}: "${dep.text}")`,
    fix:
      (suggestion ? `did you mean ${suggestion}? ` : '') +
      `Task ids are <module>/E<NN>, where <module> is the folder name without "-module"` +
      (shown ? ` (modules: ${shown})` : '') +
      '; fix or remove the reference',
  };
}

/** The existing id nearest to `module/E<epic>` by edit distance, among that module's tasks and same-numbered ones. */
export function suggest(ref: Required<TaskRef>, index: TaskIndex): string | undefined {
  const near = closest(moduleKey(ref.module), index.modules.keys());
  const candidates = new Set<PlanTask>(near ? (index.byModule.get(near.value) ?? []) : []);
  for (const t of index.byEpic.get(ref.epic) ?? []) candidates.add(t);
  const written = formatTaskId(ref.module, ref.epic).toLowerCase();
  let best: { id: string; score: number; gap: number } | undefined;
  for (const candidate of candidates) {
    const score = editDistance(written, candidate.id.toLowerCase());
    const gap = Math.abs(candidate.epic - ref.epic);
    if (!best || score < best.score || (score === best.score && gap < best.gap)) best = { id: candidate.id, score, gap };
  }
  return best?.id;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
