import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { PlanIssue, PlanTask } from '../plans/index.js';
import { makeTask } from './task.js';

/** A daily task file (P4, seed 004's format): `date`, `max_cost_usd`, and a list of tasks. */
export interface DailyFile {
  /** Repo-relative path of the file. */
  file: string;
  date: string;
  maxCostUsd?: number;
  tasks: DailyTask[];
}

export const COMPLEXITIES = ['low', 'medium', 'high'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];
/** Seed 004's estimates: low 1 h, medium 2.5 h, high 4 h. */
export const COMPLEXITY_MINUTES: Record<Complexity, number> = { low: 60, medium: 150, high: 240 };

export interface DailyTask {
  /** The task's id in the file (`task-001`); the store id is `<date>/<id>`. */
  localId: string;
  name: string;
  description: string;
  module: string;
  complexity: Complexity;
  contextFiles: string[];
  deliverables: string[];
  dependsOn: string[];
  line: number;
}

const LOCAL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TOP_KEYS = ['date', 'max_cost_usd', 'priority', 'tasks'];
const TASK_KEYS = ['id', 'name', 'description', 'module', 'estimated_complexity', 'context_files', 'deliverables', 'depends_on'];

/** The store id of a daily task: `<date>/<id>`. */
export const dailyTaskId = (date: string, localId: string): string => `${date}/${localId}`;

/**
 * Reads a daily task file. Every problem is an issue with the file, line, key and what to write instead; a file with
 * errors yields no tasks (nothing half-starts).
 */
export function parseDailyFile(text: string, file: string): { daily?: DailyFile; issues: PlanIssue[] } {
  const issues: PlanIssue[] = [];
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const lineOf = (n: Node | null | undefined): number => (n?.range ? lc.linePos(n.range[0]).line : 1);
  const bad = (line: number, message: string, fix: string): void => void issues.push({ severity: 'error', code: 'bad_field', file, line, message, fix });
  for (const e of doc.errors) bad(e.linePos?.[0]?.line ?? 1, `not valid YAML: ${e.message.split('\n')[0] ?? ''}`, 'fix the YAML syntax at that line (indentation, quotes, a missing colon)');
  if (issues.length > 0) return { issues };
  const root = doc.contents;
  if (!isMap(root)) {
    bad(1, 'a daily task file is a mapping with `date`, `max_cost_usd` and `tasks`', 'start the file with `date: 2026-12-03` and a `tasks:` list');
    return { issues };
  }
  const get = (m: YAMLMap, key: string): { node: Node | null; line: number } | undefined => {
    const pair = m.items.find((p) => isScalar(p.key) && p.key.value === key);
    return pair ? { node: pair.value as Node | null, line: lineOf(pair.key as Node) } : undefined;
  };
  for (const p of root.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (!TOP_KEYS.includes(k)) issues.push({ severity: 'warning', code: 'bad_field', file, line: lineOf(p.key as Node), message: `unknown key \`${k}\` is ignored`, fix: `known keys: ${TOP_KEYS.join(', ')}` });
  }
  const date = get(root, 'date');
  const dateText = date?.node && isScalar(date.node) ? String(date.node.value instanceof Date ? date.node.value.toISOString().slice(0, 10) : date.node.value) : '';
  if (!date) bad(1, 'date: missing', 'add `date: YYYY-MM-DD` (the day this task list is for)');
  else if (!DATE.test(dateText) || Number.isNaN(Date.parse(dateText))) bad(date.line, `date: got ${JSON.stringify(dateText)}, expected a date YYYY-MM-DD`, 'write `date: 2026-12-03`');
  const cost = get(root, 'max_cost_usd');
  let maxCostUsd: number | undefined;
  if (cost) {
    const v = cost.node && isScalar(cost.node) ? cost.node.value : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) bad(cost.line, `max_cost_usd: got ${JSON.stringify(v ?? null)}, expected a positive number of US dollars`, 'write `max_cost_usd: 50.00`, or remove the key for no batch budget');
    else maxCostUsd = v;
  }
  const list = get(root, 'tasks');
  if (!list || !isSeq(list.node) || list.node.items.length === 0) {
    bad(list?.line ?? 1, 'tasks: expected a list of tasks', 'add `tasks:` with items like `- id: task-001` / `name: ...` / `description: ...` / `module: ...`');
    return { issues };
  }
  const tasks: DailyTask[] = [];
  const seen = new Map<string, number>();
  for (const item of list.node.items as Node[]) {
    const line = lineOf(item);
    if (!isMap(item)) {
      bad(line, 'tasks: each item must be a mapping', 'write each task as `- id: task-001` followed by its keys, indented');
      continue;
    }
    const str = (key: string, required: boolean): string => {
      const f = get(item, key);
      if (!f) {
        if (required) bad(line, `${key}: missing in this task`, `add \`${key}: ...\` to the task`);
        return '';
      }
      const v = f.node && isScalar(f.node) ? f.node.value : undefined;
      if (typeof v !== 'string' && typeof v !== 'number') {
        bad(f.line, `${key}: expected text`, `write \`${key}: <text>\` (use \`|\` for several lines)`);
        return '';
      }
      return String(v).trim();
    };
    const list = (key: string): string[] => {
      const f = get(item, key);
      if (!f || f.node === null) return [];
      if (!isSeq(f.node) || f.node.items.some((x) => !isScalar(x))) {
        bad(f.line, `${key}: expected a list of paths`, `write \`${key}:\` with one \`- path\` per line`);
        return [];
      }
      return f.node.items.map((x) => String((x as { value: unknown }).value).trim()).filter(Boolean);
    };
    for (const p of item.items) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (!TASK_KEYS.includes(k)) issues.push({ severity: 'warning', code: 'bad_field', file, line: lineOf(p.key as Node), message: `unknown task key \`${k}\` is ignored`, fix: `known keys: ${TASK_KEYS.join(', ')}` });
    }
    const localId = str('id', true);
    if (localId && !LOCAL_ID.test(localId)) bad(get(item, 'id')?.line ?? line, `id: got ${JSON.stringify(localId)}, expected letters, digits, ., _ and - (up to 64)`, 'write `id: task-001`');
    if (localId && seen.has(localId)) bad(get(item, 'id')?.line ?? line, `id: ${localId} is used twice (first at line ${seen.get(localId)})`, 'give each task of the file its own id');
    if (localId) seen.set(localId, get(item, 'id')?.line ?? line);
    const complexityText = str('estimated_complexity', false) || 'medium';
    const complexity = (COMPLEXITIES as readonly string[]).includes(complexityText) ? (complexityText as Complexity) : undefined;
    if (!complexity) bad(get(item, 'estimated_complexity')?.line ?? line, `estimated_complexity: got ${JSON.stringify(complexityText)}, expected low, medium or high`, 'write `estimated_complexity: medium`');
    const dependsOn = list('depends_on');
    tasks.push({
      localId,
      name: str('name', true),
      description: str('description', true),
      module: str('module', false) || 'daily',
      complexity: complexity ?? 'medium',
      contextFiles: list('context_files'),
      deliverables: list('deliverables'),
      dependsOn,
      line,
    });
  }
  for (const t of tasks) {
    for (const dep of t.dependsOn) {
      if (!seen.has(dep)) bad(t.line, `depends_on: ${dep} is not a task of this file`, `use the id of a task in ${file} (${[...seen.keys()].join(', ')})`);
    }
  }
  if (issues.some((i) => i.severity === 'error')) return { issues };
  return { daily: { file, date: dateText, ...(maxCostUsd !== undefined ? { maxCostUsd } : {}), tasks }, issues };
}

/** The markdown a daily task's agent reads: name, description, context files and deliverables. */
export function dailyTaskBody(t: DailyTask): string {
  const parts = [`# ${t.name}`, '', t.description, ''];
  if (t.contextFiles.length) parts.push('## Context files', '', 'Read these first:', '', ...t.contextFiles.map((f) => `- \`${f}\``), '');
  if (t.deliverables.length) parts.push('## Deliverables', '', ...t.deliverables.map((f) => (/\s/.test(f) ? `- ${f}` : `- \`${f}\``)), '');
  parts.push(`Estimated complexity: ${t.complexity}.`, '');
  return parts.join('\n');
}

/** The daily file's tasks as PlanTasks (ids `<date>/<id>`, dependencies inside the file), for the store and the graph. */
export function dailyPlanTasks(d: DailyFile): PlanTask[] {
  return d.tasks.map((t, i) => ({
    ...makeTask({
      id: dailyTaskId(d.date, t.localId),
      module: t.module,
      epic: i + 1,
      title: t.name,
      body: dailyTaskBody(t),
      file: d.file,
      description: t.description.split('\n')[0] ?? '',
      dependsOn: t.dependsOn.map((dep) => dailyTaskId(d.date, dep)),
    }),
    ...(t.deliverables.length ? { deliverables: t.deliverables } : {}),
    complexity: t.complexity,
  }));
}

/** Reads a daily task file from disk; `path` absolute or relative to the repository root. */
export function readDailyFile(root: string, path: string): { daily?: DailyFile; issues: PlanIssue[] } {
  const abs = isAbsolute(path) ? path : join(root, path);
  const file = relative(root, abs).split('\\').join('/');
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    return { issues: [{ severity: 'error', code: 'bad_field', file, line: 0, message: `cannot read the daily task file: ${(e as Error).message}`, fix: 'pass the path of a YAML task file, e.g. orch start tasks/2026-12-03.yaml' }] };
  }
  return parseDailyFile(text, file);
}
