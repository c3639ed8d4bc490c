import { SECRET_SHAPES } from './shapes.js';

export const REDACTED = '[redacted]';

/** Environment variable names whose values are secrets (provider keys, tokens, passwords). */
export const SECRET_ENV_NAME = /(_KEY|_TOKEN|_SECRET|SECRET_|PASSWORD|PASSWD|_PAT|CREDENTIALS?)$|^(GITHUB_TOKEN|GH_TOKEN|ANTHROPIC_API_KEY|OPENAI_API_KEY|GEMINI_API_KEY|GOOGLE_API_KEY|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/i;

export type Redactor = (text: string) => string;

/**
 * Replaces every known secret shape and every given secret value (at least 8 characters, so `1` or `true` in an
 * odd variable never blanks a log) with `[redacted]`.
 */
export function createRedactor(values: Iterable<string> = []): Redactor {
  const exact = [...new Set([...values].filter((v) => v.length >= 8))].sort((a, b) => b.length - a.length);
  return (text) => {
    if (!text) return text;
    let out = text;
    for (const v of exact) if (out.includes(v)) out = out.split(v).join(REDACTED);
    for (const s of SECRET_SHAPES) {
      s.pattern.lastIndex = 0;
      out = out.replace(s.pattern, (m) => (s.kind === 'a URL with a password' ? m.replace(/:[^:@/]+@$/, `:${REDACTED}@`) : REDACTED));
    }
    return out;
  };
}

/** The values of the secret-named variables of an environment: what a redactor must blank besides the shapes. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([k, v]) => v !== undefined && SECRET_ENV_NAME.test(k))
    .map(([, v]) => v as string);
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}
