import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { VERSION } from '../version.js';
import { COMMAND_KINDS, runProjectCommand, type ProjectCommands } from './commands.js';
import { createDaemonClient } from './daemon.js';
import { MCP_SERVER_NAME } from './config.js';
import { commandEnv } from '../agents/env.js';
import { registerClusterTools } from './cluster-tools.js';

export interface AgentMcpServerOptions {
  daemonUrl: string;
  token: string;
  runId: string;
  /** The agent's worktree: where build, test and lint run. */
  cwd: string;
  commands: ProjectCommands;
  /** How long orch_ask waits for an answer before telling the agent to end its turn. Default 120000. */
  answerWaitMs?: number;
  /** Between polls for an answer. Default 1000. */
  pollMs?: number;
  /** Environment of build, test and lint. Default: this process's, without the daemon token. */
  env?: Record<string, string>;
  /** The daemon has a worker pool: commands go there when a worker can take them; worker_status and job_logs exist. */
  cluster?: boolean;
  fetch?: typeof fetch;
}

export const DEFAULT_ANSWER_WAIT_MS = 120_000;

const text = (t: string, isError = false): CallToolResult => ({ content: [{ type: 'text', text: t }], ...(isError ? { isError } : {}) });

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

// The agent's own credentials (provider keys, the run token) stay with the agent: build scripts have no use for them.
const projectCommandEnv = (): Record<string, string> => commandEnv(process.env);

/** The MCP server Orch gives every agent run (A7, U6): signals to the daemon, and the project's build, test and lint. */
export const createAgentMcpServer = (opts: AgentMcpServerOptions): McpServer => {
  const daemon = createDaemonClient({
    daemonUrl: opts.daemonUrl, token: opts.token, runId: opts.runId,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const answerWaitMs = opts.answerWaitMs ?? DEFAULT_ANSWER_WAIT_MS;
  const pollMs = opts.pollMs ?? 1000;
  const server = new McpServer({ name: MCP_SERVER_NAME, version: VERSION });

  server.registerTool('orch_done', {
    title: 'Report the task done',
    description: 'Tell Orch the task is complete. Call it once, after the work is finished and verified, with a short summary of what changed.',
    inputSchema: { summary: z.string().min(1).max(20_000).describe('What was done, for the reviewer.') },
  }, async ({ summary }, extra) => {
    const res = await daemon.postSignal({ kind: 'done', text: summary }, extra.signal);
    if (!res.ok) return text(`Could not report done: ${res.error}`, true);
    return text('Orch recorded the task as done. End your turn now.');
  });

  server.registerTool('orch_stuck', {
    title: 'Ask for help: stuck',
    description: 'Tell Orch you cannot make progress (missing access, contradictory requirements, failures you cannot fix). A human will look at it.',
    inputSchema: { reason: z.string().min(1).max(20_000).describe('What blocks you and what you need.') },
  }, async ({ reason }, extra) => {
    const res = await daemon.postSignal({ kind: 'stuck', text: reason }, extra.signal);
    if (!res.ok) return text(`Could not report being stuck: ${res.error}`, true);
    return text('Orch recorded that you are stuck and will ask a human for help. Stop working and end your turn now.');
  });

  server.registerTool('orch_ask', {
    title: 'Ask a question',
    description:
      'Ask a question you cannot answer from the code or the task. audience "orchestrator" is answered from the plan\'s context, ' +
      '"human" (default) by a person. Waits a while for the answer; if none comes, end your turn and your session will be resumed with it.',
    inputSchema: {
      question: z.string().min(1).max(20_000),
      audience: z.enum(['human', 'orchestrator']).optional(),
    },
  }, async ({ question, audience }, extra) => {
    const posted = await daemon.postSignal({ kind: 'question', text: question, audience: audience ?? 'human' }, extra.signal);
    if (!posted.ok) return text(`Could not send the question: ${posted.error}`, true);
    const deadline = Date.now() + answerWaitMs;
    let signal = posted.value;
    while (signal.answer === null && Date.now() < deadline && !extra.signal.aborted) {
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), extra.signal);
      const polled = await daemon.getSignal(posted.value.id, extra.signal);
      // A failed poll is not fatal: the question is stored, so keep waiting until the deadline.
      if (polled.ok) signal = polled.value;
    }
    if (signal.answer !== null) return text(`Answer from ${signal.answeredBy ?? 'human'}:\n${signal.answer}`);
    return text(
      `No answer yet. Your question is queued for a human (question id ${posted.value.id}). ` +
        'Do not continue or guess: end your turn now. Your session will be resumed with the answer.',
    );
  });

  const env = opts.env ?? projectCommandEnv();
  for (const kind of COMMAND_KINDS) {
    const argv = opts.commands[kind];
    if (argv === undefined || argv.length === 0) continue;
    server.registerTool(`run_${kind}`, {
      title: `Run the project's ${kind}`,
      description: `Run the project's configured ${kind} command (${argv.join(' ')}) on your worktree${opts.cluster ? ' (on a free worker when one can take it, with your uncommitted changes; else here)' : ''} and return its exit code and the end of its output.`,
      inputSchema: {},
    }, async (_args, extra) => {
      if (opts.cluster) {
        // The daemon decides where it runs; anything but a worker's answer (none free, daemon away) runs it here.
        const remote = await daemon.runCommand(kind, extra.signal);
        if (remote.ok && remote.value.where === 'worker') return text(remote.value.text, !remote.value.ok);
      }
      const run = await runProjectCommand({ kind, argv, cwd: opts.cwd, env, signal: extra.signal });
      return text(run.text, !run.ok);
    });
  }
  if (opts.cluster) registerClusterTools(server, daemon);
  return server;
};
