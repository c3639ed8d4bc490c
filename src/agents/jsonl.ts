import type { AgentEvent } from './types.js';

/** A decoded JSON object from an agent's output. */
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The first step of every backend's line parser: a JSONL line to an object with a string `type`, or the events
 * to return instead (none for a blank line, `unparsed` with the reason for anything else). Never throws.
 */
export function readJsonLine(line: string): { event: Json & { type: string } } | { events: AgentEvent[] } {
  const trimmed = line.trim();
  if (trimmed === '') return { events: [] };
  let e: unknown;
  try {
    e = JSON.parse(trimmed);
  } catch (err) {
    return { events: [{ type: 'unparsed', line, reason: `not JSON: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (!isObject(e) || typeof e.type !== 'string') return { events: [{ type: 'unparsed', line, reason: 'not an object with a string "type"' }] };
  return { event: e as Json & { type: string } };
}
