import { checkGlobs } from '../glob/index.js';
import { closest, isModuleName, moduleName, parseTaskRef } from './ids.js';
import type { TaskRef } from './ids.js';
import type { KeyLines } from './frontmatter.js';
import type { PlanIssue, Priority } from './types.js';
import { parseWorkflow } from '../api/workflow.js';

/** Frontmatter of an epic after validation; absent fields were not given (or were invalid). */
export interface EpicMeta {
  priority?: Priority;
  dependsOn: { ref: TaskRef; line: number; text: string }[];
  needsReview?: boolean;
  module?: string;
  epic?: number;
  title?: string;
  touches: string[];
  conflictsWith: string[];
  /** Files the run must leave behind (checked after the agent finishes). */
  deliverables: string[];
  agent?: string;
  /** The line of `agent:`, for the sync-time check against the configured agents. */
  agentLine?: number;
  model?: string;
  /** `workflow: code -> review -> test` (G5), normalised; unset = the project's `[workflow] default`. */
  workflow?: string;
}

/**
 * What `agent:` and `model:` may hold. Both reach an agent CLI's argv (`--model=<value>`) and Orch's config lookups,
 * so a plan (untrusted text) gets a conservative charset: no leading `-`, no spaces, no quotes or shell characters.
 * Models keep what real names use: `provider/model`, `name:tag`, `model@version`, `sonnet[1m]`.
 */
export const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+[\]-]{0,199}$/;

export const KNOWN_KEYS = [
  'priority',
  'depends_on',
  'needs_review',
  'module',
  'epic',
  'title',
  'touches',
  'conflicts_with',
  'deliverables',
  'agent',
  'model',
  'workflow',
] as const;

const PRIORITY_BY_NUMBER: Record<number, Priority> = { 1: 'high', 2: 'medium', 3: 'low' };

/** Checks every field; each problem is an issue and the field is left out, so one bad key never hides another. */
export function readEpicMeta(data: Record<string, unknown>, lines: KeyLines, file: string): { meta: EpicMeta; issues: PlanIssue[] } {
  const issues: PlanIssue[] = [];
  const meta: EpicMeta = { dependsOn: [], touches: [], conflictsWith: [], deliverables: [] };
  const lineOf = (key: string) => lines.get(key)?.line ?? 1;
  const bad = (key: string, value: unknown, expected: string, fix: string, line = lineOf(key)) => {
    issues.push({
      severity: 'error',
      code: 'bad_field',
      file,
      line,
      message: `${key}: got ${describe(value)}, expected ${expected}`,
      fix,
    });
  };

  for (const [key, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    switch (key) {
      case 'priority': {
        const priority = readPriority(value);
        if (priority) meta.priority = priority;
        else bad(key, value, 'high, medium or low (or 1, 2, 3)', 'write `priority: high`, `priority: medium` or `priority: low`');
        break;
      }
      case 'needs_review': {
        const flag = readBoolean(value);
        if (flag === undefined) bad(key, value, 'a boolean', 'write `needs_review: true` or `needs_review: false`');
        else meta.needsReview = flag;
        break;
      }
      case 'module': {
        if (typeof value === 'string' && isModuleName(moduleName(value))) meta.module = moduleName(value);
        else bad(key, value, 'a module name (letters, digits, `_`, `.`, `-`)', 'write `module: billing`, or remove the key to use the folder name');
        break;
      }
      case 'title': {
        if (typeof value === 'string' && value.trim() !== '') meta.title = value.trim();
        else bad(key, value, 'a non-empty string', 'write `title: <text>` on one line');
        break;
      }
      case 'agent': {
        const name = typeof value === 'string' ? value.trim() : undefined;
        if (name !== undefined && AGENT_NAME.test(name)) {
          meta.agent = name;
          meta.agentLine = lineOf(key);
        } else bad(key, value, 'an agent name (a backend id such as codex, or a name under [agents]: letters, digits, `_`, `.`, `-`)', 'write `agent: codex`, or remove the key to use the default agent');
        break;
      }
      case 'model': {
        const name = typeof value === 'string' ? value.trim() : undefined;
        if (name !== undefined && MODEL_NAME.test(name)) meta.model = name;
        else bad(key, value, 'a model name (letters, digits and `.`, `_`, `-`, `:`, `/`, `@`, `+`, `[`, `]`; not starting with `-`)', 'write `model: <name>` as the agent CLI knows it, e.g. `model: gpt-5.5`, or remove the key');
        break;
      }
      case 'workflow': {
        const parsed = typeof value === 'string' ? parseWorkflow(value) : { ok: false as const, error: 'not text' };
        if (parsed.ok) meta.workflow = parsed.steps.join(' -> ');
        else bad(key, value, `steps joined by "->" starting with code (${parsed.error})`, 'write `workflow: code -> review -> test`, or remove the key to use [workflow] default');
        break;
      }
      case 'epic': {
        const epic = readEpicNumber(value);
        if (epic !== undefined) meta.epic = epic;
        else bad(key, value, 'an epic number such as 5 or E05', 'write `epic: 5` or remove the key to use the number in the file name');
        break;
      }
      case 'touches':
      case 'conflicts_with': {
        const globs = readStringList(value);
        const refused = globs && checkGlobs(globs);
        if (globs && !refused) meta[key === 'touches' ? 'touches' : 'conflictsWith'] = globs;
        else if (refused) bad(key, value, `globs within Orch's limits (${refused})`, `shorten the glob or split it: write \`${key}: [src/billing/**, db/schema.sql]\``);
        else bad(key, value, 'a path or glob, or a list of them', braceMappingFix(key, value) ?? `write \`${key}: [src/billing/**, db/schema.sql]\``);
        break;
      }
      case 'deliverables': {
        const files = readStringList(value);
        if (files) meta.deliverables = files;
        else bad(key, value, 'a file path, or a list of them', braceMappingFix(key, value) ?? 'write `deliverables: [src/billing/invoice.ts, docs/billing.md]`');
        break;
      }
      case 'depends_on':
        readDependsOn(value, lines.get(key) ?? { line: 1, items: [] }, meta, bad);
        break;
      default: {
        const near = closest(key, KNOWN_KEYS);
        const hint = near && near.distance <= 3 ? `did you mean \`${near.value}\`? ` : '';
        issues.push({
          severity: 'warning',
          code: 'bad_field',
          file,
          line: lineOf(key),
          message: `unknown frontmatter key \`${key}\` is ignored`,
          fix: `${hint}known keys: ${KNOWN_KEYS.join(', ')}`,
        });
      }
    }
  }
  return { meta, issues };
}

type Bad = (key: string, value: unknown, expected: string, fix: string, line?: number) => void;

function readDependsOn(value: unknown, where: { line: number; items: number[] }, meta: EpicMeta, bad: Bad): void {
  const expected = 'a task id like billing/E01 or E03, or a list of them';
  const entries: { value: unknown; line: number }[] = [];
  if (typeof value === 'string') {
    for (const part of value.split(/[,\s]+/)) if (part !== '') entries.push({ value: part, line: where.line });
  } else if (typeof value === 'number') {
    entries.push({ value, line: where.line });
  } else if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => entries.push({ value: item, line: where.items[i] ?? where.line }));
  } else {
    bad('depends_on', value, expected, 'write `depends_on: [billing/E01, E03]`');
    return;
  }
  for (const entry of entries) {
    const ref =
      typeof entry.value === 'string'
        ? parseTaskRef(entry.value)
        : typeof entry.value === 'number' && Number.isSafeInteger(entry.value) && entry.value >= 0
          ? { epic: entry.value }
          : undefined;
    if (ref) meta.dependsOn.push({ ref, line: entry.line, text: String(entry.value) });
    else bad('depends_on', entry.value, expected, 'task ids are `<module>/E<NN>` (e.g. billing/E01), or `E<NN>` for the same module', entry.line);
  }
}

function readPriority(value: unknown): Priority | undefined {
  if (typeof value === 'number') return PRIORITY_BY_NUMBER[value];
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'high' || text === 'medium' || text === 'low') return text;
  return /^[123]$/.test(text) ? PRIORITY_BY_NUMBER[Number(text)] : undefined;
}

function readEpicNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const ref = parseTaskRef(value);
  return ref && ref.module === undefined ? ref.epic : undefined;
}

function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === 'yes') return true;
  if (text === 'false' || text === 'no') return false;
  return undefined;
}

function readStringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()];
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'string') return undefined;
    if (item.trim() !== '') out.push(item.trim());
  }
  return out;
}

/** `{a,b}` written unquoted is the mapping `{a: null, b: null}` to YAML: what the user meant, quoted. */
function braceMappingFix(key: string, value: unknown): string | undefined {
  const asGlob = (v: unknown): string | undefined => {
    if (typeof v === 'string') return JSON.stringify(v);
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return undefined;
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.length > 0 && entries.every(([, x]) => x === null) ? JSON.stringify(`{${entries.map(([k]) => k).join(',')}}`) : undefined;
  };
  const isMapping = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  if (!items.some(isMapping)) return undefined;
  const globs = items.map(asGlob);
  if (globs.some((g) => g === undefined)) return undefined;
  const shown = Array.isArray(value) ? `[${globs.join(', ')}]` : (globs[0] ?? '');
  return `\`{\` starts a YAML mapping, so a glob with braces must be quoted: write \`${key}: ${shown}\``;
}

/** `"urgent" (string)`, `[1, 2] (list)`: the value as received, short. */
function describe(value: unknown): string {
  const type = Array.isArray(value) ? 'list' : value instanceof Date ? 'date' : typeof value === 'object' ? 'mapping' : typeof value;
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  if (shown.length > 60) shown = `${shown.slice(0, 57)}...`;
  return `${shown} (${type})`;
}
