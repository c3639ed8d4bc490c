import { z } from 'zod';
import type { Scenario } from './types.js';

/** JSON scenario files for `main.ts` (function steps exist only in code). Mirrors `Step` in types.ts. */
const step = z.strictObject({
  text: z.string().optional(),
  tools: z.array(z.strictObject({ name: z.string().min(1), input: z.record(z.string(), z.unknown()) })).optional(),
  usage: z
    .strictObject({
      inputTokens: z.number().int().nonnegative().optional(),
      outputTokens: z.number().int().nonnegative().optional(),
      cacheReadTokens: z.number().int().nonnegative().optional(),
      cacheWriteTokens: z.number().int().nonnegative().optional(),
    })
    .optional(),
  httpError: z
    .strictObject({
      status: z.number().int().min(400).max(599),
      body: z.string().optional(),
      type: z.string().optional(),
      message: z.string().optional(),
      retryAfter: z.number().nonnegative().optional(),
      times: z.number().int().positive().optional(),
    })
    .optional(),
  streamError: z.strictObject({ type: z.string().optional(), message: z.string().optional() }).optional(),
  delayMs: z.number().nonnegative().optional(),
  frameDelayMs: z.number().nonnegative().optional(),
  stopReason: z.string().optional(),
});

const stepList = z.array(step);
const namedScenarios = z.strictObject({ default: stepList.optional(), scenarios: z.record(z.string(), stepList).optional() });

export interface ScenarioFile {
  scenario?: Scenario;
  scenarios?: Record<string, Scenario>;
}

/** Validates a parsed scenario file; throws with every problem and where it is. */
export const readScenarioFile = (json: unknown, file: string): ScenarioFile => {
  // Not a union: zod would then report only "Invalid input" instead of the path of the problem.
  const parsed = Array.isArray(json) ? stepList.safeParse(json) : namedScenarios.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${file}: not a scenario file (expected a step list or { "default", "scenarios" }):\n${z.prettifyError(parsed.error)}`);
  }
  const data = parsed.data;
  if (Array.isArray(data)) return { scenario: data as Scenario };
  return { ...(data.default ? { scenario: data.default as Scenario } : {}), ...(data.scenarios ? { scenarios: data.scenarios as Record<string, Scenario> } : {}) };
};
