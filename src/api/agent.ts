import { z } from 'zod';

/** What an agent did, as every backend's parser reports it (run.output). Tool results and inputs arrive trimmed. */
export const AgentEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), sessionId: z.string(), model: z.string().optional(), version: z.string().optional() }),
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_call'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal('tool_result'), id: z.string(), isError: z.boolean(), output: z.string() }),
  z.object({
    type: z.literal('usage'),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), cacheReadTokens: z.number(), cacheWriteTokens: z.number() }),
    key: z.string().optional(),
  }),
  z.object({ type: z.literal('retry'), attempt: z.number(), max: z.number().optional(), delayMs: z.number().optional(), status: z.number().optional(), message: z.string() }),
  z.object({
    type: z.literal('result'),
    ok: z.boolean(),
    text: z.string(),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), cacheReadTokens: z.number(), cacheWriteTokens: z.number() }).optional(),
    costUsd: z.number().optional(),
    numTurns: z.number().optional(),
    subtype: z.string().optional(),
    errors: z.array(z.string()).optional(),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('unparsed'), line: z.string(), reason: z.string() }),
]);
export type AgentEvent = z.infer<typeof AgentEvent>;

/** Why a change was flagged for a person (G4): the rule that fired and where. */
export const ReviewReason = z.object({
  category: z.enum(['security', 'migrations', 'architecture', 'routine']),
  rule: z.string(),
  file: z.string(),
  line: z.number().optional(),
  detail: z.string(),
});
export type ReviewReason = z.infer<typeof ReviewReason>;
