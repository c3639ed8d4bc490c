import type { Status, Task } from '../api/index.js';
import { listOf, plural } from './format.js';

/** The first line of a note, cut at a word near `max` characters (with "..."), never inside a word. */
export function clip(note: string, max = 160): string {
  const line = note.split('\n')[0] ?? '';
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}...`;
}

/** Why there are no tasks at all, and what to do: the plan is invalid, or there is none yet. */
export function noTasksHint(s: Pick<Status, 'lastSync'>): string {
  return s.lastSync && !s.lastSync.ok
    ? `the plan is invalid (${plural(s.lastSync.issues, 'problem')}): \`orch sync\` lists them`
    : 'no plan yet: `orch onboard` writes a starter plan, or add docs/plans/<module>/epic-01-<slug>.md and `orch sync`';
}

/** What to do next, always at least one line: `orch status` ends with it. */
export function nextSteps(s: Status, tasks: Task[]): string[] {
  const live = tasks.filter((t) => !t.removed);
  const steps: string[] = [];
  if (live.length === 0) {
    return [noTasksHint(s)];
  }
  if (s.lastSync && !s.lastSync.ok) steps.push('fix the plan: `orch sync` lists the problems');
  if (s.paused) steps.push('Orch is paused (nothing starts, clocks stopped): `orch resume`');
  for (const t of live.filter((t) => t.status === 'failed')) {
    steps.push(`${t.id} failed${t.statusNote ? `: ${clip(t.statusNote)}` : ''}; \`orch show ${t.id}\` says why, \`orch start ${t.id}\` retries`);
  }
  const people = s.active.filter((r) => r.state === 'waiting' && r.waitingReason && !r.waitingReason.startsWith('retrying') && !r.waitingReason.startsWith('paused'));
  for (const r of people) steps.push(`${r.taskId} waits for you: ${r.waitingReason?.split('\n')[0] ?? ''}`);
  for (const r of s.active.filter((r) => r.state === 'merging' && r.waitingReason)) steps.push(`${r.taskId}: ${r.waitingReason?.split('\n')[0] ?? ''}`);
  const slots = s.active.filter((r) => ['queued', 'preparing', 'spawning', 'running', 'agent_done', 'committed'].includes(r.state)).length;
  const ready = live.filter((t) => t.ready && !s.waiting.some((w) => w.taskId === t.id && w.runId === null));
  // Ready, but turned away when asked to start (a missing agent CLI, a budget): the reason is printed above.
  const refused = live.filter((t) => t.ready && s.waiting.some((w) => w.taskId === t.id && w.runId === null));
  if (refused.length > 0 && !s.paused) steps.push(`${listOf(refused.map((t) => t.id), 3)} ${refused.length === 1 ? 'is' : 'are'} ready but not started (why: above); fix that, then \`orch start\``);
  const activeBatch = s.batches.some((b) => b.state === 'active');
  if (ready.length > 0 && !s.paused) {
    if (activeBatch && slots >= s.maxParallel) steps.push(`${plural(ready.length, 'task')} ready, queued behind the agent limit (${slots}/${s.maxParallel} running; max_parallel_agents in .orch/config.toml)`);
    else if (!activeBatch) steps.push(`${plural(ready.length, 'task')} ready (${listOf(ready.map((t) => t.id), 3)}): \`orch start\``);
  }
  if (slots > 0) steps.push(`follow a run: \`orch logs ${s.active[0]?.taskId ?? '<task>'} --follow\`; wait for all: \`orch start --wait\``);
  if (steps.length === 0) {
    const done = live.filter((t) => t.status === 'complete').length;
    if (done === live.length) steps.push(`all ${plural(live.length, 'task')} merged; add epics to docs/plans/ and \`orch sync\``);
    else {
      const waiting = live.filter((t) => t.status === 'not_started' && t.waitingFor.length > 0);
      steps.push(waiting.length > 0 ? `${plural(waiting.length, 'task')} wait for dependencies that are not merged (\`orch list\`)` : '`orch next` shows what would start');
    }
  }
  return steps;
}
