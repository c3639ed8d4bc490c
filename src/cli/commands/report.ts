import type { Report } from '../../api/index.js';
import { client, printJson, type GlobalOptions } from '../context.js';

export async function report(globals: () => GlobalOptions, date: string | undefined, o: { batch?: string; json?: boolean }): Promise<void> {
  const c = await client(globals());
  const q = new URLSearchParams({ ...(date ? { date } : {}), ...(o.batch ? { batch: o.batch } : {}) });
  const r = await c.get<Report>(`/api/report${q.size ? `?${q.toString()}` : ''}`);
  if (o.json || globals().json) return printJson(r);
  process.stdout.write(`${r.markdown}\n(written to ${r.file})\n`);
}
