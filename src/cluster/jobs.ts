import { z } from 'zod';
import { CommandRunResult } from '../api/cluster.js';
import { PROTOCOL } from './names.js';

/**
 * What travels through Redis between a daemon and its workers. No secrets: a worker uses its own provider
 * credentials; the only credential here is the run's MCP token, which allows that run's signals and nothing else.
 */
export const AgentJob = z.object({
  v: z.literal(PROTOCOL),
  /** The Orch version of the daemon that queued it: for the message of a worker that refuses it. */
  orch: z.string().max(100),
  kind: z.literal('agent'),
  /** The project's key; for listings only. */
  project: z.string().max(200),
  /** Where the worker fetches the code: the project's remote, or the coordinator's repository. */
  repoUrl: z.string().min(1).max(2000),
  /** A ref at `repoUrl` whose commit the agent starts from (the run's branch as the daemon last saw it). */
  fetchRef: z.string().regex(/^refs\/[A-Za-z0-9/_.-]+$/),
  startSha: z.string().regex(/^[0-9a-f]{40,64}$/),
  runId: z.string().max(200),
  taskId: z.string().max(300),
  backend: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  labels: z.array(z.string().max(32)).max(5),
  prompt: z.string().max(4_000_000),
  model: z.string().max(200).optional(),
  systemPrompt: z.string().max(200_000).optional(),
  /** Only on jobs pinned to the worker that holds the session. */
  resumeSessionId: z.string().max(300).optional(),
  timeoutMs: z.number().int().positive().max(7 * 24 * 3600_000),
  /** Orch's MCP server environment for this run (daemon URL, per-run token, commands), when the daemon is reachable. */
  mcpEnv: z.record(z.string(), z.string()).optional(),
});
export type AgentJob = z.infer<typeof AgentJob>;

export const Usage = z.object({ inputTokens: z.number(), outputTokens: z.number(), cacheReadTokens: z.number(), cacheWriteTokens: z.number() });

export const AgentJobResult = z.object({
  worker: z.string(),
  outcome: z.object({
    ok: z.boolean(),
    sessionId: z.string().optional(),
    usage: Usage,
    costUsd: z.number().optional(),
    resultText: z.string(),
    error: z.string().optional(),
    exitCode: z.number().nullable(),
    signal: z.string().nullable(),
    durationMs: z.number(),
    canceled: z.boolean(),
  }),
  /** Where the agent's work ends: a commit descending from startSha (startSha itself when nothing changed). */
  head: z.string(),
  /** The objects of the commits from startSha to head, as a base64 git pack (not thin); absent when nothing changed. */
  pack: z.string().optional(),
});
export type AgentJobResult = z.infer<typeof AgentJobResult>;

/** One entry of a job's output stream. */
export type OutputEntry =
  | { k: 'start'; worker: string; attempt: number; /** The job's worktree there: paths in events are rewritten to the run's worktree here. */ worktree?: string }
  | { k: 'line'; s: 'stdout' | 'stderr'; l: string }
  | { k: 'event'; e: string }
  /** The command finished; its result follows as the job's return value (the daemon looks for it at once). */
  | { k: 'end' };

export { WorkerInfo } from '../api/cluster.js';

/**
 * A build, test or lint on a worker. It names the command's kind, never the command: the worker reads
 * `commands.<kind>` from `.orch/config.toml` at `baseSha` (the run's start commit), as a CI runner reads its CI file.
 */
export const CommandJob = z.object({
  v: z.literal(PROTOCOL),
  orch: z.string().max(100),
  kind: z.literal('command'),
  command: z.enum(['build', 'test', 'lint']),
  project: z.string().max(200),
  repoUrl: z.string().min(1).max(2000),
  /** A ref at `repoUrl` holding `snapshotSha`. */
  fetchRef: z.string().regex(/^refs\/[A-Za-z0-9/_.-]+$/),
  /** The agent's worktree as it was when it asked: a commit whose parent is the run branch's head. */
  snapshotSha: z.string().regex(/^[0-9a-f]{40,64}$/),
  /** Whose `.orch/config.toml` says what the command is; an ancestor of `snapshotSha`. */
  baseSha: z.string().regex(/^[0-9a-f]{40,64}$/),
  runId: z.string().max(200),
  labels: z.array(z.string().max(32)).max(5),
});
export type CommandJob = z.infer<typeof CommandJob>;

export const CommandJobResult = z.object({
  worker: z.string(),
  /** False when `.orch/config.toml` at baseSha has no such command (the daemon then runs it from its own config). */
  configured: z.boolean(),
  ok: z.boolean(),
  text: z.string(),
  result: CommandRunResult.optional(),
});
export type CommandJobResult = z.infer<typeof CommandJobResult>;
