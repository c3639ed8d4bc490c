import { encodedForms } from './encodings.js';
import { SECRET_SHAPES } from './shapes.js';

export const REDACTED = '[redacted]';

/** Environment variable names whose values are secrets (provider keys, tokens, passwords). */
export const SECRET_ENV_NAME = /(_KEY|_TOKEN|_SECRET|SECRET_|PASSWORD|PASSWD|_PAT|CREDENTIALS?)$|^(GITHUB_TOKEN|GH_TOKEN|ANTHROPIC_API_KEY|OPENAI_API_KEY|GEMINI_API_KEY|GOOGLE_API_KEY|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/i;

export type Redactor = ((text: string) => string) & {
  /** Bytes (whole lines) redacted; the same buffer when nothing in it can be a secret (a native scan, no decoding). */
  buffer: (b: Buffer) => Buffer;
  /** Adds a value found later (a forge token from `gh auth token`). */
  add: (value: string) => void;
};

/** Substrings every secret shape contains: a chunk without any of them is left as it is. */
const MARKERS = ['sk-', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'AKIA', 'ASIA', 'xox', 'AIza', 'k_live_', '-----BEGIN', '://', ':\\/\\/'];

/**
 * Replaces every known secret shape and every given secret value (at least 8 characters, so `1` or `true` in an
 * odd variable never blanks a log), in each of its encoded forms (JSON-escaped, URL-encoded, base64: see
 * ./encodings.ts), with `[redacted]`.
 */
export function createRedactor(values: Iterable<string> = []): Redactor {
  let given: string[] = [];
  let exact: string[] = [];
  let markers: Buffer[] = [];
  const set = (all: Iterable<string>): void => {
    given = [...new Set([...all].filter((v) => v.length >= 8))];
    exact = [...new Set(given.flatMap(encodedForms))].sort((a, b) => b.length - a.length);
    markers = [...new Set([...MARKERS, ...exact.map((v) => v.slice(0, 8))])].map((m) => Buffer.from(m));
  };
  set(values);
  const redact = ((text: string): string => {
    if (!text) return text;
    let out = text;
    for (const v of exact) if (out.includes(v)) out = out.split(v).join(REDACTED);
    for (const s of SECRET_SHAPES) {
      s.pattern.lastIndex = 0;
      out = out.replace(s.pattern, (m) => (s.kind === 'a URL with a password' ? m.replace(/:[^:@/]+@$/, `:${REDACTED}@`) : REDACTED));
    }
    return out;
  }) as Redactor;
  redact.buffer = (b) => {
    if (!markers.some((m) => b.includes(m))) return b;
    const text = b.toString('utf8');
    const out = redact(text);
    return out === text ? b : Buffer.from(out);
  };
  redact.add = (value) => set([...given, value]);
  return redact;
}

/** The values of the secret-named variables of an environment: what a redactor must blank besides the shapes. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([k, v]) => v !== undefined && SECRET_ENV_NAME.test(k))
    .map(([, v]) => v as string);
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}

/**
 * JSON text with its secrets blanked, and the value it now holds. Blanking the text catches the JSON-escaped forms;
 * when a blank cut an escape in half (a value that starts right after a backslash), the value is blanked string by
 * string instead, so the result is always valid JSON.
 */
export function redactJson<T>(json: string, value: T, redact: (text: string) => string): { text: string; value: T } {
  const text = redact(json);
  if (text === json) return { text, value };
  try {
    return { text, value: JSON.parse(text) as T };
  } catch {
    const clean = redactDeep(value, redact);
    return { text: JSON.stringify(clean), value: clean };
  }
}
