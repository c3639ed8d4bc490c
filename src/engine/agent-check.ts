import type { CircuitBreaker } from '../resilience/index.js';
import type { TaskRow } from '../store/index.js';
import type { BackendFor } from './ports.js';

/**
 * Why a task's agent cannot start now, or undefined: no such agent, its backend keeps failing (the circuit breaker),
 * or its CLI's own check fails (cached 30 s per agent, so a batch does not run the check per task).
 */
export function createAgentCheck(backendFor: BackendFor, breaker: CircuitBreaker) {
  const checks = new Map<string, { at: number; problem: string | undefined }>();
  return async (t: TaskRow): Promise<string | undefined> => {
    let name: string;
    let backendId: string;
    try {
      ({ name, backendId } = backendFor(t.agent));
    } catch (e) {
      return (e as Error).message;
    }
    if (!breaker.canStart(backendId)) {
      const until = breaker.openUntil(backendId);
      return `${backendId} keeps failing; new starts paused until ${until ? new Date(until).toISOString().slice(11, 19) : 'it recovers'} (circuit breaker)`;
    }
    const hit = checks.get(name);
    if (hit && Date.now() - hit.at < 30_000) return hit.problem;
    const c = await backendFor(t.agent).backend.check();
    const problem = c.ok ? undefined : c.error;
    checks.set(name, { at: Date.now(), problem });
    return problem;
  };
}
