import { tmpdir } from 'node:os';
import type { Config } from '../config/index.js';
import { createDecomposer, type Decomposer, type PlannerTurn } from '../decompose/index.js';
import { oneShotTurn, type BackendFor, type ContainFor } from '../engine/index.js';
import type { GitRunner } from '../git/index.js';

const PLANNER_TIMEOUT_MS = 10 * 60_000;

/**
 * The planner role for decomposition: read-only tools in the repository (it may read the code the spec is about),
 * inside the sandbox, and a session that the next attempt resumes so it sees its own earlier proposal.
 */
function plannerTurn(d: { config: Config; root: string; readOnlyAgents: BackendFor; containFor: ContainFor }): PlannerTurn {
  let n = 0;
  return async (prompt, resume) => {
    const agent = d.readOnlyAgents(d.config.roles.planner || null);
    const out = await oneShotTurn(
      agent,
      {
        runId: `decompose-${Date.now().toString(36)}-${n++}`,
        cwd: d.root,
        prompt,
        ...(resume ? { resumeSessionId: resume } : {}),
        contain: d.containFor({ cwd: d.root, backendId: agent.backendId, readOnly: true }),
      },
      { timeoutMs: PLANNER_TIMEOUT_MS },
    );
    if (!out.ok) throw new Error(`the planner (${agent.name}) failed: ${out.error ?? `exit code ${String(out.exitCode)}`}`);
    return { text: out.resultText, ...(out.sessionId ? { sessionId: out.sessionId } : {}) };
  };
}

export function createDaemonDecomposer(d: { config: Config; root: string; git: GitRunner; targetBranch: string; readOnlyAgents: BackendFor; containFor: ContainFor; log: (msg: string) => void }): Decomposer {
  return createDecomposer({
    git: d.git,
    root: d.root,
    targetBranch: d.targetBranch,
    plansDir: d.config.plans_dir,
    ask: plannerTurn(d),
    statusTable: d.config.writeback.readme,
    scratchDir: tmpdir(),
    log: d.log,
  });
}
