import { z } from 'zod';
import { ReloadResult, RunDiff, Run, StartResponse, Task, type Signal } from '../api/index.js';
import type { Client } from '../client/index.js';
import type { Pending } from './state.js';

/** What an action answered, for the status line. */
export interface Outcome {
  ok: boolean;
  text: string;
}

const startText = (r: StartResponse): string => {
  const started = r.started.map((s) => s.taskId).join(', ');
  const skipped = r.skipped.map((s) => `${s.taskId}: ${s.reason}`).join('; ');
  if (r.started.length === 0) return skipped ? `nothing started (${skipped})` : 'nothing ready to start; the batch starts tasks as they become ready';
  return `started ${started}${skipped ? `; not now: ${skipped}` : ''}`;
};

/**
 * Runs an accepted action through the daemon's API, the same endpoints the CLI uses. `input` is what the user typed
 * in the input box, when the action asked for something.
 */
export async function perform(c: Client, p: Pending, input = ''): Promise<Outcome> {
  switch (p.kind) {
    case 'start-next': {
      const n = Number(input.trim() || '1');
      if (!Number.isInteger(n) || n < 1) return { ok: false, text: `how many tasks: a whole number of 1 or more, got "${input}"` };
      return { ok: true, text: startText(await c.post('/api/start', { tasks: [], count: n }, StartResponse)) };
    }
    case 'start':
    case 'retry':
      return { ok: true, text: startText(await c.post('/api/start', { tasks: [p.taskId] }, StartResponse)) };
    case 'stop': {
      const r = await c.post('/api/stop', { tasks: [p.taskId] }, z.object({ stopped: z.array(z.string()) }));
      return { ok: true, text: r.stopped.length ? `stopped ${r.stopped.join(', ')}; its work is kept on its branch` : `${p.taskId} was not running` };
    }
    case 'pause': {
      const r = await c.post('/api/pause', { tasks: [p.taskId] }, z.object({ paused: z.array(z.string()) }));
      return { ok: true, text: r.paused.length ? `paused ${r.paused.join(', ')}; r resumes` : `${p.taskId} had no agent running to pause` };
    }
    case 'pause-all': {
      const r = await c.post('/api/pause', { tasks: [] }, z.object({ paused: z.array(z.string()) }));
      return { ok: true, text: `paused everything${r.paused.length ? ` (${r.paused.join(', ')})` : ''}; nothing new starts until r` };
    }
    case 'guide': {
      const body = input.trim() ? { task: p.taskId, guidance: input.trim() } : { task: p.taskId };
      const r = await c.post('/api/resume', body, z.object({ runId: z.string() }));
      return { ok: true, text: `${p.taskId} resumes (run ${r.runId})` };
    }
    case 'answer': {
      if (!input.trim()) return { ok: false, text: 'an empty answer was not sent' };
      await c.post(`/api/questions/${encodeURIComponent(p.questionId)}/answer`, { answer: input.trim() });
      return { ok: true, text: `answered ${p.taskId}; its run resumes` };
    }
    case 'merge': {
      const r = await c.post('/api/reviews/merge', { task: p.taskId }, z.object({ runId: z.string() }));
      return { ok: true, text: `${p.taskId} approved; merging (run ${r.runId})` };
    }
    case 'maintain': {
      const [kind, module] = input.trim().split(/\s+/);
      if (!kind) return { ok: false, text: 'no maintenance kind given' };
      return { ok: true, text: startText(await c.post('/api/maintain', { kind, module }, StartResponse)) };
    }
    case 'setting':
    case 'search':
    case 'quit':
      return { ok: true, text: '' };
    default: {
      const never: never = p;
      return never;
    }
  }
}

/** Resumes everything paused (no confirmation: it loses nothing). */
export async function resumeAll(c: Client): Promise<Outcome> {
  const r = await c.post('/api/resume', {}, z.object({ resumed: z.array(z.string()) }));
  return { ok: true, text: `resumed${r.resumed.length ? ` ${r.resumed.join(', ')}` : ''}; new tasks may start` };
}

export const taskDetail = (c: Client, taskId: string) => c.get(`/api/task?id=${encodeURIComponent(taskId)}`, z.object({ task: Task, runs: z.array(Run) }));

/** The change a run made, parsed by the daemon (the endpoint the web page's diff view reads). */
export const runDiff = (c: Client, runId: string) => c.get(`/api/runs/${encodeURIComponent(runId)}/diff`, RunDiff);

export type { Signal };

/**
 * After a setting is written to its file: the daemon reloads its config, as when a CLI command finds the files
 * changed. Limits apply at once; the rest waits for `orch daemon restart`, which the status line says.
 */
export async function applySetting(c: Client | undefined, written: string): Promise<Outcome & { kind: 'ok' | 'info' | 'error' }> {
  if (!c) return { ok: true, kind: 'info', text: `${written}; the daemon, not connected, reloads it at the next command` };
  try {
    const r = await c.post('/api/reload', {}, ReloadResult);
    if (r.error) return { ok: false, kind: 'error', text: `${written}; the daemon could not load it: ${r.error.replace(/\s+/g, ' ')}` };
    if (r.restart.length > 0) return { ok: true, kind: 'info', text: `${written}; used after \`orch daemon restart\`` };
    return { ok: true, kind: 'ok', text: `${written}; applied now` };
  } catch (e) {
    return { ok: false, kind: 'error', text: `${written}; the daemon did not reload it: ${(e as Error).message}` };
  }
}
