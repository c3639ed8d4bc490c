import { z } from 'zod';

export type KeyPath = readonly (string | number)[];

/** Dotted key as a user writes it in TOML: `agent.max_turns`, `agent.args[2]`, `agent.env."odd key"`. */
export function dottedKey(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const part = /^[A-Za-z0-9_-]+$/.test(seg) ? seg : JSON.stringify(seg);
      out += out === '' ? part : `.${part}`;
    }
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let cur = schema;
  for (;;) {
    if (cur instanceof z.ZodDefault || cur instanceof z.ZodPrefault || cur instanceof z.ZodOptional) {
      cur = cur.def.innerType as z.ZodType;
    } else return cur;
  }
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : undefined;
}

/** Every key the schema knows, as paths (tables included): `[['agent'], ['agent','model'], ...]`. */
export function knownKeys(schema: z.ZodType, prefix: string[] = []): string[][] {
  const shape = objectShape(schema);
  if (shape === undefined) return [];
  const out: string[][] = [];
  for (const [name, child] of Object.entries(shape)) {
    out.push([...prefix, name]);
    out.push(...knownKeys(child, [...prefix, name]));
  }
  return out;
}

export interface UnknownKey {
  path: string[];
  /** Dotted path of the key the user probably meant. */
  suggestion?: string;
}

/**
 * Keys in `raw` that the schema does not declare. Tables declared as records (like `agent.env`) accept any key.
 * Values of the wrong type are left to validation.
 */
export function findUnknownKeys(schema: z.ZodType, raw: unknown): UnknownKey[] {
  const all = knownKeys(schema);
  const out: UnknownKey[] = [];
  const walk = (s: z.ZodType, value: unknown, path: string[]): void => {
    const shape = objectShape(s);
    if (shape === undefined || !isPlainObject(value)) return;
    for (const [name, child] of Object.entries(value)) {
      const childSchema = Object.hasOwn(shape, name) ? shape[name] : undefined;
      if (childSchema === undefined) {
        const suggestion = suggestKey([...path, name], Object.keys(shape), all);
        out.push(suggestion === undefined ? { path: [...path, name] } : { path: [...path, name], suggestion });
      } else walk(childSchema, child, [...path, name]);
    }
  };
  walk(schema, raw, []);
  return out;
}

const normalize = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');

function suggestKey(path: string[], siblings: string[], all: string[][]): string | undefined {
  const leaf = path[path.length - 1] ?? '';
  const parent = path.slice(0, -1);
  const limit = leaf.length <= 3 ? 1 : leaf.length <= 6 ? 2 : 3;
  const sameName = siblings.find((s) => normalize(s) === normalize(leaf));
  if (sameName !== undefined) return dottedKey([...parent, sameName]);
  // `max_turns` at the top level when it belongs in [agent].
  const elsewhere = all.find((k) => normalize(k[k.length - 1] ?? '') === normalize(leaf));
  if (elsewhere !== undefined) return dottedKey(elsewhere);
  const closest = (candidates: string[][]): string[] | undefined => {
    let best: { key: string[]; d: number } | undefined;
    for (const key of candidates) {
      const d = editDistance(normalize(leaf), normalize(key[key.length - 1] ?? ''));
      if (d <= limit && (best === undefined || d < best.d)) best = { key, d };
    }
    return best?.key;
  };
  const near = closest(siblings.map((s) => [...parent, s])) ?? closest(all);
  return near === undefined ? undefined : dottedKey(near);
}

/** Optimal string alignment distance: Levenshtein plus transposition of neighbours ("modle" -> "model" is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}
