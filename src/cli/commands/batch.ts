import { z } from 'zod';
import { ScheduleList } from '../../api/index.js';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, red } from '../format.js';
import { table } from '../table.js';

const when = (iso: string | null, tz: string): string => {
  if (!iso) return 'never';
  const local = new Intl.DateTimeFormat('en-CA', { ...(tz ? { timeZone: tz } : {}), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  return local.replace(',', '');
};

export async function batchList(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const s = await c.get('/api/schedule', ScheduleList);
  if (o.json || globals().json) {
    printJson(s);
  } else {
    for (const p of s.problems) process.stderr.write(`${red('error:')} ${p.file}:${p.line}: ${p.message}. Fix: ${p.fix}\n`);
    if (s.batches.length === 0 && s.problems.length === 0) process.stdout.write('no scheduled batches; add [[batch]] tables to .orch/schedule.toml (see docs/schedules.md)\n');
    if (s.batches.length > 0) {
      const rows = [[bold('NAME'), bold('CRON'), bold('NEXT RUN'), bold('LAST'), bold('LIMITS'), bold('SCOPE')]];
      for (const b of s.batches) {
        const limits = [b.maxTasks ? `${b.maxTasks} tasks` : '', b.maxDurationMin ? `${b.maxDurationMin} min` : '', b.budgetUsd ? `$${b.budgetUsd}` : ''].filter(Boolean).join(', ') || dim('none');
        const scope = b.tasks.length ? b.tasks.join(' ') : b.module ? `module ${b.module}` : 'all ready tasks';
        rows.push([b.name, `${b.cron} ${dim(b.timezone || 'local')}`, when(b.next, b.timezone), when(b.last, b.timezone), limits, scope]);
      }
      process.stdout.write(`${table(rows)}\n`);
    }
  }
  if (s.problems.length > 0) process.exitCode = Exit.input;
}

export async function batchRun(globals: () => GlobalOptions, name: string, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const r = await c.post('/api/schedule/run', { name }, z.object({ batchId: z.string() })).catch((e: unknown) => {
    throw new CliError((e as Error).message, Exit.input);
  });
  if (o.json || globals().json) return printJson(r);
  process.stdout.write(`batch ${name} started as ${r.batchId}; follow it with orch status\n`);
}
