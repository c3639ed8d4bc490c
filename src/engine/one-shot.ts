import type { AgentOutcome, AgentRunRequest } from '../agents/index.js';
import type { ResolvedAgent } from './ports.js';

type OneShotRequest = Omit<AgentRunRequest, 'signal' | 'model' | 'systemPrompt' | 'env'> & { env?: Record<string, string> };

/**
 * One agent turn outside a run's state machine (a planner's answer, a review): the agent's model, system prompt
 * and environment, bounded by `timeoutMs`, ended early by `signal` (daemon shutdown). Throws only when the backend
 * cannot start at all.
 */
export async function oneShotTurn(agent: ResolvedAgent, req: OneShotRequest, o: { timeoutMs: number; signal?: AbortSignal }): Promise<AgentOutcome> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error('timeout')), o.timeoutMs);
  try {
    return await agent.backend.start({
      ...req,
      env: req.env ?? agent.env,
      ...(agent.model ? { model: agent.model } : {}),
      ...(agent.systemPrompt ? { systemPrompt: agent.systemPrompt } : {}),
      signal: o.signal ? AbortSignal.any([timeout.signal, o.signal]) : timeout.signal,
    }).result;
  } finally {
    clearTimeout(timer);
  }
}
