import { isPlainObject } from './keys.js';

/**
 * Merges `over` onto `base`: tables merge key by key, everything else (arrays included) replaces.
 * `undefined` in `over` means "not set" and keeps the base value. Returns fresh plain objects.
 */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) define(out, k, isPlainObject(v) ? deepMerge({}, v) : v);
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const prev = out[k];
    if (isPlainObject(v)) define(out, k, deepMerge(isPlainObject(prev) ? prev : {}, v));
    else define(out, k, Array.isArray(v) ? [...(v as unknown[])] : v);
  }
  return out;
}

// A TOML key named `__proto__` must stay a key, not become a prototype.
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
