import type { Category, Reason } from '../types.js';

/** Keeps the first hit per (file, rule) and counts the rest, so a 500-line match stays one readable reason. */
export class ReasonSet {
  private readonly byKey = new Map<string, { reason: Reason; more: number }>();

  add(category: Category, rule: string, file: string, detail: string, line?: number): void {
    const key = `${file}\u0000${rule}`;
    const seen = this.byKey.get(key);
    if (seen) {
      seen.more += 1;
      return;
    }
    const reason: Reason = { category, rule, file, detail };
    if (line !== undefined) reason.line = line;
    this.byKey.set(key, { reason, more: 0 });
  }

  list(): Reason[] {
    return [...this.byKey.values()].map(({ reason, more }) =>
      more > 0 ? { ...reason, detail: `${reason.detail} (+${more} more)` } : reason,
    );
  }
}

/** PERF: minified or generated lines can be megabytes; patterns only need the start of a line. */
export const clip = (text: string): string => (text.length > 2000 ? text.slice(0, 2000) : text);

export const snippet = (text: string): string => {
  const t = text.trim();
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
};
