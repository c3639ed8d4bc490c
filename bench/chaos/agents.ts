// Chaos suite, part 4: watching the fake agents (which exist, which overlap) through their log and /proc.
import { existsSync, readFileSync } from 'node:fs';
import { isAlive } from '../../src/agents/index.js';
import { procCwd, procEnviron, type Project } from './project.js';

export interface AgentEntry {
  pid: number;
  cwd: string;
  task: string | undefined;
  trial: number;
}

/**
 * Polls the fake agent's log. The fake agent writes no end marker, so overlap is detected at the moment a new
 * invocation is first seen: an earlier invocation for the same task (same worktree or same task id) that is still
 * alive (not a zombie) in its own cwd then ran at the same time. A poll can miss a short overlap, never invent one.
 */
export function watchAgents(p: Project, trialNow: () => number, onOverlap: (detail: string) => void) {
  const entries: AgentEntry[] = [];
  const live: AgentEntry[] = [];
  const taskOfCwd = new Map<string, string>();
  let lines = 0;
  const stillRunning = (e: AgentEntry): boolean => isAlive(e.pid) && procCwd(e.pid) === e.cwd;
  const poll = (): void => {
    if (!existsSync(p.agentLog)) return;
    const all = readFileSync(p.agentLog, 'utf8').split('\n');
    // The last element is a partial line (or ''): read it on the next poll.
    for (; lines < all.length - 1; lines++) {
      const raw = all[lines];
      if (!raw) continue;
      let rec: { pid: number; cwd: string; prompt?: string };
      try {
        rec = JSON.parse(raw) as { pid: number; cwd: string; prompt?: string };
      } catch {
        continue;
      }
      const task = /chaos-task: (\S+)/.exec(rec.prompt ?? '')?.[1] ?? taskOfCwd.get(rec.cwd);
      if (task) taskOfCwd.set(rec.cwd, task);
      const e: AgentEntry = { pid: rec.pid, cwd: rec.cwd, task, trial: trialNow() };
      for (const prev of live) {
        if (prev.pid === e.pid) continue;
        if (prev.cwd !== e.cwd && !(task && prev.task === task)) continue;
        if (stillRunning(prev)) {
          onOverlap(`agent pid ${e.pid} for ${task ?? e.cwd} started while pid ${prev.pid} (seen in trial ${prev.trial}, cwd ${prev.cwd}) was still running`);
        }
      }
      entries.push(e);
      live.push(e);
    }
    for (let i = live.length - 1; i >= 0; i--) if (!stillRunning(live[i]!)) live.splice(i, 1);
  };
  const timer = setInterval(poll, 25);
  return {
    poll,
    /** Agents of this project running now (alive, in their worktree, carrying a run id). */
    running: (): AgentEntry[] => {
      poll();
      return live.filter((e) => stillRunning(e) && procEnviron(e.pid).some((v) => v.startsWith('ORCH_RUN_ID=')));
    },
    count: () => entries.length,
    stop: () => clearInterval(timer),
  };
}
