import type { z } from 'zod';
import { type ConfigIssue, type ConfigWarning } from './errors.js';
import { describeSchemaNode, type JsonSchema, schemaNodeAt } from './json-schema.js';
import { dottedKey, findUnknownKeys, type KeyPath } from './keys.js';
import { ConfigSchema, SECRET_MESSAGE } from './schema.js';
import { locateKey } from './toml-locate.js';

/** One scope of configuration: a file's parsed TOML, or the flags. */
export interface Layer {
  file: string;
  raw: Record<string, unknown>;
  /** The TOML text, to find line numbers; absent for flags. */
  text?: string;
}

export function unknownKeyWarnings(layer: Layer): ConfigWarning[] {
  return findUnknownKeys(ConfigSchema, layer.raw).map(({ path, suggestion }) => {
    const key = dottedKey(path);
    const line = layer.text === undefined ? undefined : locateKey(layer.text, path);
    const didYouMean = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
    const warning: ConfigWarning = { file: layer.file, key, message: `unknown key "${key}" is ignored${didYouMean}` };
    if (line !== undefined) warning.line = line;
    if (suggestion !== undefined) warning.suggestion = suggestion;
    return warning;
  });
}

/**
 * Validates one layer on its own (absent keys take defaults), so each problem is pinned to the file it is in.
 * `jsonSchema` is asked for only when there is a problem to describe (PERF: building it costs tens of ms, issue 12).
 */
export function validateLayer(layer: Layer, jsonSchema: () => JsonSchema): { issues: ConfigIssue[]; error?: z.ZodError } {
  const result = ConfigSchema.safeParse(layer.raw);
  if (result.success) return { issues: [] };
  const schema = jsonSchema();
  const issues = result.error.issues.map((issue) => toConfigIssue(layer, issue, schema));
  return { issues, error: result.error };
}

function toConfigIssue(layer: Layer, issue: z.core.$ZodIssue, jsonSchema: JsonSchema): ConfigIssue {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  const key = dottedKey(path);
  const out: ConfigIssue = { file: layer.file, key, message: '' };
  const line = layer.text === undefined ? undefined : locateKey(layer.text, path);
  if (line !== undefined) out.line = line;

  if (issue.code === 'invalid_key') {
    const name = String(path[path.length - 1] ?? '');
    const secret = issue.issues.some((i) => i.message === SECRET_MESSAGE);
    if (secret) {
      out.message = `"${name}" ${SECRET_MESSAGE}`;
      out.hint = `Remove ${key} from ${layer.file} and set ${name} in the environment Orch runs in.`;
      return out;
    }
    out.received = JSON.stringify(name);
    out.expected = issue.issues.map((i) => i.message).join('; ');
    out.message = `the name ${out.received} ${out.expected}`;
    return out;
  }

  out.received = describeValue(valueAt(layer.raw, path));
  const node = schemaNodeAt(jsonSchema, path);
  switch (issue.code) {
    case 'invalid_type':
    case 'invalid_value':
    case 'too_small':
    case 'too_big':
      out.expected = node === undefined ? issue.message : describeSchemaNode(node);
      break;
    default:
      // Formats and refinements carry their own wording ("must be a git branch name ...").
      out.expected = issue.message;
  }
  const defaultValue = node?.default;
  out.message = `expected ${out.expected}, received ${out.received}`;
  out.hint =
    defaultValue === undefined
      ? `Change ${key} in ${layer.file}.`
      : `Change ${key} in ${layer.file}, or delete it to use the default (${JSON.stringify(defaultValue)}).`;
  return out;
}

function valueAt(raw: unknown, path: KeyPath): unknown {
  let cur: unknown = raw;
  for (const seg of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `${JSON.stringify(truncate(v))} (a string)`;
  if (typeof v === 'number') return Number.isInteger(v) ? `${v} (an integer)` : `${v} (a number)`;
  if (typeof v === 'bigint') return `${v} (an integer)`;
  if (typeof v === 'boolean') return `${v} (a boolean)`;
  if (v instanceof Date) return `${v.toISOString()} (a date)`;
  if (Array.isArray(v)) return `${truncate(JSON.stringify(v))} (an array)`;
  if (typeof v === 'object') return `${truncate(JSON.stringify(v))} (a table)`;
  return String(v);
}

function truncate(s: string, max = 60): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
