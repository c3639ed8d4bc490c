import { Lesson, LessonList } from '../../api/index.js';
import { client, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, yellow } from '../format.js';
import { table } from '../table.js';

export async function lessons(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await client(globals(), 'read');
  const l = await c.get('/api/lessons', LessonList);
  if (o.json || globals().json) return printJson(l);
  const out: string[] = [];
  if (l.lessons.length === 0) out.push('no lessons: write feedback/YYYY-MM-DD.md ("## <task id>: <title>", "Rating: N/5", "Action: ...") after a run (docs/unattended.md)');
  else {
    const rows = [[bold('ID'), bold('FOR'), bold('LESSON'), bold('SOURCE')]];
    for (const x of l.lessons) rows.push([x.id, x.scope, x.text, `${x.source}${x.taskId ? ` (${x.taskId}${x.rating ? `, ${x.rating}/5` : ''})` : ''}`]);
    out.push(table(rows), dim('a coder prompt gets its module\'s and the project\'s lessons (at most 8, lowest rating first); remove one with: orch lessons remove <id>'));
  }
  if (l.problems.length) out.push('', yellow('feedback not used until fixed:'), ...l.problems.map((p) => `  ${p}`));
  process.stdout.write(`${out.join('\n')}\n`);
}

export async function remove(globals: () => GlobalOptions, id: string, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const l = await c.post(`/api/lessons/${encodeURIComponent(id)}/remove`, {}, Lesson);
  if (o.json || globals().json) return printJson(l);
  process.stdout.write(`removed ${l.id} (${l.source}): later prompts leave it out\n`);
}
