import { z } from 'zod';
import { Signal } from '../../api/index.js';
import { client, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, listOf } from '../format.js';
import { table } from '../table.js';

export async function questions(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await client(globals(), 'read');
  const qs = await c.get('/api/questions', z.array(Signal));
  if (o.json || globals().json) return printJson(qs);
  if (qs.length === 0) return void process.stdout.write('no open questions\n');
  const rows = [[bold('ID'), bold('TASK'), bold('ASKED'), bold('QUESTION')]];
  for (const q of qs) rows.push([q.id, q.taskId, q.createdAt.slice(0, 16).replace('T', ' '), q.text]);
  process.stdout.write(`${table(rows)}\n${dim('answer with: orch answer <id> "<answer>"')}\n`);
}

export async function answer(globals: () => GlobalOptions, id: string, words: string[], o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const sig = await c.post(`/api/questions/${encodeURIComponent(id)}/answer`, { answer: words.join(' ') }, Signal);
  if (o.json || globals().json) return printJson(sig);
  process.stdout.write(`answered ${sig.id}; ${sig.taskId} continues\n`);
}

export async function pause(globals: () => GlobalOptions, tasks: string[], o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const r = await c.post('/api/pause', { tasks }, z.object({ paused: z.array(z.string()), notRunning: z.array(z.string()).default([]) }));
  if (o.json || globals().json) return printJson(r);
  const idle = r.notRunning;
  const lines = [
    ...(tasks.length ? [] : ['paused: nothing new starts until `orch resume`']),
    ...(r.paused.length ? [`paused ${listOf(r.paused)}: partial work committed, sessions kept; \`orch resume${tasks.length ? ' TASK' : ''}\` continues ${r.paused.length === 1 ? 'it' : 'them'}`] : []),
    ...(tasks.length === 0 && r.paused.length === 0 ? ['no agent was running'] : []),
    ...(idle.length ? [`${listOf(idle)} ${idle.length === 1 ? 'was' : 'were'} not running: nothing to pause (\`orch pause\` alone stops new starts)`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function resume(globals: () => GlobalOptions, task: string | undefined, o: { guidance?: string; json?: boolean }): Promise<void> {
  const c = await client(globals());
  if (!task) {
    const r = await c.post('/api/resume', {}, z.object({ resumed: z.array(z.string()) }));
    if (o.json || globals().json) return printJson(r);
    return void process.stdout.write(`resumed${r.resumed.length ? ` ${r.resumed.join(', ')}` : ''}; new starts allowed\n`);
  }
  const r = await c.post('/api/resume', { task, guidance: o.guidance }, z.object({ runId: z.string() }));
  if (o.json || globals().json) return printJson(r);
  process.stdout.write(`${task} resumes (run ${r.runId})\n`);
}
