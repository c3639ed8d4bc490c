export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 3. */
  failureThreshold?: number;
  /** How long an open circuit refuses starts before letting one trial through. Default 60000. */
  cooldownMs?: number;
  now?: () => number;
}

export interface CircuitBreaker {
  /** True when a run may start now; in half-open state, true for exactly one trial. */
  canStart(key: string): boolean;
  recordSuccess(key: string): void;
  /** Record only failures that say something about the backend (transient ones), not a bad prompt. */
  recordFailure(key: string): void;
  state(key: string): BreakerState;
  /** When an open circuit will admit a trial; undefined unless open. */
  openUntil(key: string): number | undefined;
  /** Consecutive failures counted so far. */
  failures(key: string): number;
}

interface Entry {
  failures: number;
  openUntil?: number;
  /** When the half-open trial was let through. */
  trialSince?: number;
}

/** One circuit per key (a backend id), so one failing agent CLI never stops runs on the others. */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const { failureThreshold = 3, cooldownMs = 60_000, now = Date.now } = options;
  const entries = new Map<string, Entry>();
  const entry = (key: string): Entry => {
    let e = entries.get(key);
    if (!e) {
      e = { failures: 0 };
      entries.set(key, e);
    }
    return e;
  };

  const state = (key: string): BreakerState => {
    const e = entries.get(key);
    if (e?.openUntil === undefined) return 'closed';
    return now() >= e.openUntil ? 'half-open' : 'open';
  };

  return {
    canStart(key) {
      const e = entries.get(key);
      if (e?.openUntil === undefined) return true;
      const t = now();
      if (t < e.openUntil) return false;
      // A trial that never reported back (canceled, crashed daemon) must not hold the circuit half-open for ever.
      if (e.trialSince !== undefined && t < e.trialSince + cooldownMs) return false;
      e.trialSince = t;
      return true;
    },
    recordSuccess(key) {
      entries.delete(key);
    },
    recordFailure(key) {
      const e = entry(key);
      const t = now();
      e.failures += 1;
      if (e.openUntil !== undefined) {
        // A failed trial reopens; a straggler that started before the circuit opened changes nothing.
        if (t >= e.openUntil) {
          e.openUntil = t + cooldownMs;
          delete e.trialSince;
        }
        return;
      }
      if (e.failures >= failureThreshold) e.openUntil = t + cooldownMs;
    },
    state,
    openUntil(key) {
      return state(key) === 'open' ? entries.get(key)?.openUntil : undefined;
    },
    failures(key) {
      return entries.get(key)?.failures ?? 0;
    },
  };
}
