import { unparsedNote, type AgentEvent, type AgentHandle, type Usage } from '../agents/index.js';
import { judgeTurn, trimEvent } from './judge.js';
import { apiRetryText, type RunState } from '../api/index.js';
import { isDiskFull, type RunRow, type TaskRow } from '../store/index.js';
import { buildPrompt } from './prompt.js';
import { REMOVED_NOTE } from './names.js';
import { RUN_ENV_KEY } from './ports.js';
import { chargeRun, createLiveUsage, turnUsage, usageBefore, usageFields, type UsageBefore } from './meter.js';
import type { RunnerDeps, StepResult } from './runner-deps.js';
import type { RunEnd } from './run-end.js';
import type { RunLogs } from './runlog.js';

type LiveUsage = ReturnType<typeof createLiveUsage>;

export interface AgentTurnContext {
  d: RunnerDeps;
  log: RunLogs['write'];
  setState: (run: RunRow, state: RunState, fields?: Partial<RunRow>) => RunRow;
  task: (run: RunRow) => TaskRow;
  end: Pick<RunEnd, 'park' | 'fail' | 'finishStopped'>;
  /** An agent that failed in the middle of a conflicting rebase hands the conflict to a human (merge steps). */
  rebaseGaveUp: (run: RunRow, error: string) => Promise<StepResult>;
  /** Brings a waiting run back to its agent (a transient failure's retry timer). */
  wake: (runId: string, why: 'retry') => boolean;
}

/**
 * One agent turn of a run (the `spawning` step): the prompt, the agent process, its events and usage, and the
 * verdict on how the turn ended. Also the live handles, so a run's agent can be ended (stop, pause, stuck, shutdown).
 */
export function createAgentTurn({ d, log, setState, task, end, rebaseGaveUp, wake }: AgentTurnContext) {
  /** Lessons never keep an agent from starting: a feedback folder that cannot be read is logged and skipped. */
  const lessonsFor = (module: string): string => {
    try {
      return d.lessons?.(module) ?? '';
    } catch (e) {
      d.daemonLog?.(`lessons not added to the prompt: ${(e as Error).message}`);
      return '';
    }
  };
  const { park, fail, finishStopped } = end;
  /** Live and in memory: the last API retry of a running agent, until its next event. */
  const activity = new Map<string, string>();
  const handles = new Map<string, { handle: AgentHandle; abort: AbortController; stopping?: 'stop' | 'shutdown' | 'stuck' | 'pause'; note?: string }>();
  /** The usage a live turn's meter adds its own to: a charge made meanwhile (the planner's) moves it too. */
  const bases = new Map<string, UsageBefore>();

  async function spawn(run: RunRow): Promise<StepResult> {
    const t = task(run);
    // Its epic left the plan since the run started: no new agent turn (an `orch sync` stopped the one running).
    if (t.removedAt) return finishStopped(run, REMOVED_NOTE);
    // A spent budget starts no new turn, whatever asked for it (failing checks, a retry, recovery after a restart):
    // the run waits, its next prompt kept, until `orch budget raise`.
    const held = d.turnHold?.(run);
    if (held) return park(run, held);
    let agent;
    try {
      agent = d.backendFor(t.agent);
    } catch (e) {
      return fail(run, (e as Error).message);
    }
    const backend = agent.backend;
    const deps = t.dependsOn.map((id) => d.store.tasks.get(id)).filter((x): x is TaskRow => !!x);
    const overview = d.modules().find((m) => m.name === t.module)?.overview;
    let prompt: string;
    try {
      prompt =
        run.nextPrompt ??
        // A maintenance task's body is its prompt, rendered when `orch maintain` asked for it.
        (t.source === 'maintenance' && !run.sessionId ? t.body : undefined) ??
        buildPrompt({ task: t, moduleOverview: overview, completedDeps: deps, targetBranch: run.targetBranch }, d.templateDirs, run.sessionId ? 'resume' : 'coder', run.sessionId ? {} : { lessons: lessonsFor(t.module) });
    } catch (e) {
      return fail(run, (e as Error).message);
    }
    const abort = new AbortController();
    const turnStarted = new Date().toISOString();
    const before = usageBefore(run);
    bases.set(run.id, before);
    const events: AgentEvent[] = [];
    const usage = createLiveUsage({ update: d.store.runs.update, emit: d.emit, runId: run.id, taskId: run.taskId, before });
    const seen = { unparsed: 0, result: false, version: undefined as string | undefined };
    const remoteRefs = await d.repo.snapshotRemoteRefs();
    const guard = d.guardFor?.(run);
    // The agent timer is armed only once the agent is started: a start that throws (spawn refused an argument, the
    // sandbox could not be set up) left a one-hour timer that kept a stopped daemon alive (issue 9).
    const handle = backend.start({
      runId: run.id,
      cwd: run.worktree,
      prompt,
      resumeSessionId: run.sessionId ?? undefined,
      model: t.model ?? run.model ?? undefined,
      systemPrompt: agent.systemPrompt ?? undefined,
      env: { ...agent.env, [RUN_ENV_KEY]: run.id },
      mcp: d.mcpFor?.(run),
      contain: d.containFor?.({ cwd: run.worktree, backendId: agent.backendId, runId: run.id }),
      signal: abort.signal,
      onLine: (stream, line, raw) => {
        d.onActivity(run.id);
        // Backpressure: a promise while the run log is over its high-water mark pauses reading the agent's pipe.
        return log(run.id, stream === 'stdout' ? 'out' : 'err', line, raw);
      },
      onEvent: (e) => {
        try {
          onEvent(e);
        } catch (err) {
          // Best effort mid-turn: the end of the turn records usage and session again. A full disk must not end the daemon.
          if (!isDiskFull(err)) throw err;
        }
      },
    });
    function onEvent(e: AgentEvent): void {
      // PERF: judging needs the commands and paths of tool calls, not megabytes of text or file content:
      // keep a bounded window of trimmed events (50 flooding agents pushed the daemon over 450 MB otherwise).
      // Followers of /api/events get the same trimmed events; the run log has everything.
      const judged = e.type !== 'text' && e.type !== 'unparsed';
      const kept = judged ? trimEvent(e) : e;
      if (judged) events.push(kept);
      if (events.length > 2000) events.splice(0, 500);
      if (e.type === 'unparsed') seen.unparsed++;
      else if (e.type === 'result') seen.result = true;
      else if (e.type === 'session' && e.version) seen.version = e.version;
      onAgentEvent(run.id, run.taskId, kept, usage);
    }
    const timer = setTimeout(() => abort.abort(new Error('timeout')), d.agentTimeoutMs);
    handles.set(run.id, { handle, abort });
    log(run.id, 'orch', `${backend.id} started, pid ${handle.pid}${run.sessionId ? `, resuming session ${run.sessionId}` : ''}`);
    run = setState(run, 'running', {
      pid: handle.pid,
      pgid: handle.pgid,
      nextPrompt: null,
      waitingReason: null,
      startedAt: run.startedAt ?? new Date().toISOString(),
      attempt: run.sessionId ? run.attempt + 1 : run.attempt,
    });
    const outcome = await handle.result.finally(() => clearTimeout(timer));
    // Before any other git call: a planted hook or config must not run in Orch's own git.
    const tampered = guard?.() ?? [];
    for (const t of tampered) log(run.id, 'orch', `security: ${t}`);
    const entry = handles.get(run.id);
    handles.delete(run.id);
    activity.delete(run.id);
    d.onActivity(run.id, true);
    const spent = turnUsage(outcome.usage, outcome.costUsd ?? 0, usage.total);
    bases.delete(run.id);
    run = d.store.runs.update(run.id, {
      pid: null,
      pgid: null,
      sessionId: outcome.sessionId ?? run.sessionId ?? null,
      ...usageFields(before, spent.usage, spent.costUsd),
    });
    // The run's totals, earlier turns included (what the event carries), not this turn's.
    d.emit('run.usage', run.taskId, run.id, { inputTokens: run.inputTokens, outputTokens: run.outputTokens, cacheReadTokens: run.cacheReadTokens, cacheWriteTokens: run.cacheWriteTokens, costUsd: run.costUsd });
    if (entry?.stopping === 'shutdown') {
      // The daemon is going down: the run resumes from its session on the next start.
      log(run.id, 'orch', 'agent ended by daemon shutdown; will resume on next start');
      setState(run, 'spawning');
      return 'stop';
    }
    if (entry?.stopping === 'stop') return finishStopped(run, entry.note);
    if (entry?.stopping === 'pause') {
      // Graceful pause (S3): partial work committed to the run's branch, worktree and session kept for resume.
      const t = task(run);
      // In the middle of resolving a rebase the worktree holds conflict markers: keep it as it is, never commit them.
      const c = (await d.repo.rebasing(run.worktree)) ? { committed: false, sha: '' } : await d.repo.commitAll(run.worktree, `wip(${t.module}): paused E${String(t.epic).padStart(2, '0')} - ${t.title}`);
      if (c.committed) log(run.id, 'orch', `partial work committed as ${c.sha.slice(0, 10)}`);
      return park(run, entry.note ?? `paused — orch resume ${run.taskId} continues the same session`);
    }
    if (entry?.stopping === 'stuck') {
      return park(run, `stuck: no output for ${Math.round(d.stuckMs / 60000)} min — give guidance with: orch resume ${run.taskId} --guidance "..."`);
    }
    if (outcome.canceled && abort.signal.reason instanceof Error && abort.signal.reason.message === 'timeout') {
      return fail(run, `agent timed out after ${Math.round(d.agentTimeoutMs / 60000)} min (agent.timeout_minutes)`);
    }
    const historyViolations = [
      ...tampered.map((detail) => ({ rule: 'git-tamper' as const, detail })),
      ...(await d.repo.checkHistory({ worktree: run.worktree, baseSha: run.baseSha ?? '', branch: run.branch, remoteRefs })),
    ];
    // No await from here until the run's next state is written: an answer given at any time before (while the agent
    // ran, or while its history was checked above) is in these signals; one given after finds the run waiting and
    // wakes it. Signals read before the last await lost an answer given during it: the run waited for it forever.
    const turnSignals = d.store.signals.forRun(run.id).filter((sig) => sig.createdAt >= turnStarted);
    const verdict = judgeTurn({
      outcome,
      events,
      signals: turnSignals,
      retries: run.retries,
      maxRetries: d.maxRetries,
      maxTestFailures: d.maxTestFailures,
      worktree: run.worktree,
      taskId: run.taskId,
      historyViolations,
    });
    // A turn that broke the safety rules fails even if its question was answered meanwhile.
    const late = outcome.ok && verdict.kind !== 'fail' ? d.undeliveredAnswer?.(turnSignals) : undefined;
    if (late) {
      // Answered in the gap between the agent giving up waiting and its turn ending: resume with the answer.
      log(run.id, 'orch', 'a question of this turn was answered after the agent stopped waiting; resuming with the answer');
      setState(run, 'spawning', { nextPrompt: late });
      return 'continue';
    }
    d.onTurnEnd(agent.backendId, verdict);
    switch (verdict.kind) {
      case 'done':
        log(run.id, 'orch', `agent finished: ${outcome.resultText.slice(0, 500)}`);
        setState(run, 'agent_done');
        return 'continue';
      case 'retry': {
        log(run.id, 'orch', `transient failure, retrying in ${Math.round(verdict.delayMs / 1000)} s: ${verdict.reason}`);
        run = d.store.runs.update(run.id, { retries: run.retries + 1 });
        const reason = `retrying in ${Math.round(verdict.delayMs / 1000)} s: ${verdict.reason}`;
        setState(run, 'waiting', { waitingReason: reason });
        d.emit('run.waiting', run.taskId, run.id, { reason });
        setTimeout(() => wake(run.id, 'retry'), verdict.delayMs).unref();
        return 'stop';
      }
      case 'wait':
        return park(run, verdict.reason);
      case 'fail': {
        // An agent that failed on a conflicting rebase (not one that broke the rules) hands the conflict to a human.
        if (!verdict.error.startsWith('safety rules broken') && (await d.repo.rebasing(run.worktree))) return rebaseGaveUp(run, verdict.error);
        if (seen.unparsed === 0 || seen.result) return fail(run, verdict.error);
        // Output Orch did not understand and no result: name the CLI's version and the versions supported.
        const version = seen.version ?? (await backend.check().then((c) => (c.ok ? c.version : undefined), () => undefined));
        return fail(run, `${verdict.error}\n${unparsedNote(agent.backendId, version, seen.unparsed)}`);
      }
      default: {
        const never: never = verdict;
        throw new Error(`unknown verdict ${JSON.stringify(never)}`);
      }
    }
  }

  function onAgentEvent(runId: string, taskId: string, e: AgentEvent, usage: LiveUsage): void {
    if (e.type === 'retry') {
      const text = apiRetryText(e);
      activity.set(runId, text);
      d.emit('run.retry', taskId, runId, { attempt: e.attempt, max: e.max ?? null, delayMs: e.delayMs ?? null, status: e.status ?? null, message: e.message, text });
    } else if (e.type !== 'unparsed' && activity.has(runId)) activity.delete(runId);
    if (e.type === 'session') {
      const run = d.store.runs.get(runId);
      if (run && run.sessionId !== e.sessionId) d.store.runs.update(runId, { sessionId: e.sessionId });
    } else usage.see(e);
    if (e.type !== 'unparsed') d.emit('run.output', taskId, runId, { event: e }, false);
  }

  return {
    spawn,
    /**
     * Adds another role's usage (the planner answering this run's question) to the run, where budgets count it. A
     * turn of the run's own agent going on meanwhile writes its totals over that base, so the base moves too.
     */
    charge(runId: string, u: Usage, costUsd: number): void {
      const base = bases.get(runId);
      if (base) Object.assign(base, { i: base.i + u.inputTokens, o: base.o + u.outputTokens, cr: base.cr + u.cacheReadTokens, cw: base.cw + u.cacheWriteTokens, c: base.c + costUsd });
      const run = d.store.runs.get(runId);
      if (!run) return;
      chargeRun(d.store, d.emit, run, u, costUsd);
    },
    /** What a running agent is doing when it is not working: its CLI retrying the API. */
    activity: (runId: string): string | null => activity.get(runId) ?? null,
    hasAgent: (runId: string) => handles.has(runId),
    /** Ends a run's agent: 'stop' parks the run as stopped; 'shutdown' leaves it to resume on the next start. */
    /** `note`: the reason a paused run waits with (it starts with "paused"), instead of the default one. */
    async cancel(runId: string, why: 'stop' | 'shutdown' | 'stuck' | 'pause', note?: string): Promise<boolean> {
      const h = handles.get(runId);
      if (!h) return false;
      h.stopping = why;
      if (note !== undefined) h.note = note;
      h.abort.abort(new Error(why));
      await h.handle.result.catch(() => undefined);
      return true;
    },
  };
}

export type AgentTurn = ReturnType<typeof createAgentTurn>;
