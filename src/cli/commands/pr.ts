import { z } from 'zod';
import { ReviewItem } from '../../api/index.js';
import { client, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, red, yellow } from '../format.js';

export async function review(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await client(globals(), 'read');
  const items = await c.get('/api/reviews', z.array(ReviewItem));
  if (o.json || globals().json) return printJson(items);
  if (items.length === 0) return void process.stdout.write('nothing waits for review\n');
  for (const i of items) {
    const color = i.decision.category === 'security' ? red : yellow;
    process.stdout.write(`${bold(i.taskId)} ${color(i.decision.category)}  branch ${i.run.branch}  (git diff ${i.run.targetBranch}...${i.run.branch})\n`);
    for (const r of i.decision.reasons) process.stdout.write(`  ${r.file}${r.line ? `:${r.line}` : ''}  ${r.detail}  ${dim(`(${r.rule})`)}\n`);
  }
  process.stdout.write(dim('merge one with: orch pr merge <task>\n'));
}

export async function merge(globals: () => GlobalOptions, task: string, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const r = await c.post('/api/reviews/merge', { task }, z.object({ runId: z.string() }));
  if (o.json || globals().json) return printJson(r);
  process.stdout.write(`${task} approved; merging (run ${r.runId})\n`);
}
