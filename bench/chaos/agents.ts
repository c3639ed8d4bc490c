// Chaos suite, part 4: watching the fake agents (which exist, which overlap) through their log and /proc.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  const stillRunning = (e: AgentEntry): boolean => e.pid > 0 && isAlive(e.pid) && procCwd(e.pid) === e.cwd;
  const poll = (): void => {
    if (!existsSync(p.agentLog)) return;
    const all = readFileSync(p.agentLog, 'utf8').split('\n');
    // A sandboxed agent (its own pid namespace) logs a pid of that namespace: its host pid is found by cwd.
    const hosts = all.length - 1 > lines ? hostAgents(p) : new Map<string, number[]>();
    const taken = new Set(live.map((e) => e.pid));
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
      // 0: gone before it was seen on the host (it cannot overlap anything any more).
      const pid = (hosts.get(rec.cwd) ?? []).filter((x) => !taken.has(x)).sort((a, b) => b - a)[0] ?? 0;
      taken.add(pid);
      const e: AgentEntry = { pid, cwd: rec.cwd, task, trial: trialNow() };
      for (const prev of live) {
        if (prev.pid === e.pid && e.pid > 0) continue;
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

/**
 * This project's fake agents as the host sees them, by working directory: live processes whose environment names
 * the project's agent log and a run, leaving out bubblewrap itself (the agent is the process it runs).
 */
function hostAgents(p: Project): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const env = procEnviron(pid);
    if (!env.includes(`FAKE_CLAUDE_LOG=${p.agentLog}`) || !env.some((v) => v.startsWith('ORCH_RUN_ID='))) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'bwrap' || !isAlive(pid)) continue;
    } catch {
      continue;
    }
    const cwd = procCwd(pid);
    if (cwd) out.set(cwd, [...(out.get(cwd) ?? []), pid]);
  }
  return out;
}
