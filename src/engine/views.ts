import type { Run, Task, TaskStatus, Workflow } from '../api/index.js';
import { runWorkflow } from './workflow/steps.js';
import type { NodeStatus } from '../graph/index.js';
import type { RunRow, TaskRow } from '../store/index.js';

/** A task is ready when it has not started, is still in the plan, and every dependency is complete (merged). */
export function isReady(t: TaskRow, byId: Map<string, TaskRow>): boolean {
  return t.status === 'not_started' && t.removedAt === null && waitingFor(t, byId).length === 0;
}

export function waitingFor(t: TaskRow, byId: Map<string, TaskRow>): string[] {
  return t.dependsOn.filter((d) => byId.get(d)?.status !== 'complete');
}

export function toTaskView(t: TaskRow, byId: Map<string, TaskRow>): Task {
  return {
    id: t.id,
    module: t.module,
    epic: t.epic,
    title: t.title,
    description: t.description,
    status: t.status,
    statusNote: t.statusNote,
    priority: t.priority,
    dependsOn: t.dependsOn,
    ready: isReady(t, byId),
    waitingFor: waitingFor(t, byId),
    needsReview: t.needsReview,
    touches: t.touches,
    agent: t.agent,
    model: t.model,
    file: t.file,
    removed: t.removedAt !== null,
  };
}

/**
 * A run's workflow steps: as recorded once its change reached them, else (a run still coding) the task's spec with
 * `code` running or done; null for the plain `code` workflow with nothing recorded.
 */
export function workflowOf(r: RunRow, spec: string | undefined): Workflow | null {
  if (!r.workflow && (!spec || spec === 'code')) return null;
  const wf = runWorkflow(r, spec ?? 'code');
  const code = wf.steps.find((s) => s.name === 'code');
  if (!r.workflow && code) code.status = r.state === 'failed' || r.state === 'stopped' ? 'failed' : r.commitSha ? 'done' : 'running';
  return wf;
}

export function toRunView(r: RunRow, spec?: string): Run {
  const start = r.startedAt ? Date.parse(r.startedAt) : null;
  const end = r.endedAt ? Date.parse(r.endedAt) : null;
  return {
    id: r.id,
    taskId: r.taskId,
    batchId: r.batchId,
    state: r.state,
    attempt: r.attempt,
    branch: r.branch,
    worktree: r.worktree,
    targetBranch: r.targetBranch,
    backend: r.backend,
    sessionId: r.sessionId,
    pid: r.pid,
    commitSha: r.commitSha,
    mergeCommit: r.mergeCommit,
    savedRef: r.savedRef,
    prNumber: r.prNumber,
    prUrl: r.prUrl,
    waitingReason: r.waitingReason,
    error: r.error,
    usage: {
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      cacheReadTokens: r.cacheReadTokens,
      cacheWriteTokens: r.cacheWriteTokens,
      costUsd: r.costUsd,
    },
    verification: r.verification ? (JSON.parse(r.verification) as Run['verification']) : null,
    workflow: workflowOf(r, spec),
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: start === null ? null : (end ?? Date.now()) - start,
    createdAt: r.createdAt,
  };
}

/** The graph knows four states; a task waiting for review is still in progress for scheduling. */
export function graphStatus(s: TaskStatus | undefined): NodeStatus | undefined {
  return s === 'needs_review' ? 'in_progress' : s;
}
