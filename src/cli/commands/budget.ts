import { BudgetStatus, type BudgetLine } from '../../api/index.js';
import { client, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, green, red, yellow, plural } from '../format.js';
import { table } from '../table.js';

const amount = (unit: BudgetLine['unit'], n: number): string => (unit === 'usd' ? `$${n.toFixed(2)}` : Math.round(n).toLocaleString('en-US'));

function render(s: BudgetStatus): string {
  const rows = [[bold('BUDGET'), bold('FOR'), bold('SPENT'), bold('LIMIT'), bold('USED'), bold('STATE')]];
  for (const l of s.lines) {
    const price = l.unit === 'usd' && l.unpriced > 0 ? ` + unknown price (${plural(l.unpriced, 'run')})` : '';
    const limit = l.limit > 0 ? `${amount(l.unit, l.limit)}${l.configured !== undefined ? dim(` (raised from ${l.configured > 0 ? amount(l.unit, l.configured) : 'none'})`) : ''}` : dim('none');
    const used = l.limit > 0 ? `${Math.floor((l.spent / l.limit) * 100)}%` : '';
    const state = l.state === 'exceeded' ? red('exceeded') : l.state === 'warning' ? yellow('warning') : green('ok');
    rows.push([l.key, l.scope === 'day' ? `${l.id} (${s.timezone})` : `${l.scope} ${l.id}`, `${amount(l.unit, l.spent)}${price}`, limit, used, l.limit > 0 ? state : dim('no limit')]);
  }
  const over = s.lines.filter((l) => l.state === 'exceeded');
  const hint = over.length > 0 ? `\n${red('at the limit:')} no new run starts and agents are paused. Continue with: orch budget raise ${over[0]?.key} <more>; end with: orch stop\n` : '';
  return `${table(rows)}\n${hint}`;
}

export async function budget(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const s = await c.get('/api/budget', BudgetStatus);
  if (o.json || globals().json) return printJson(s);
  process.stdout.write(render(s));
}

export async function raise(globals: () => GlobalOptions, key: string, value: string, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const s = await c.post('/api/budget/raise', { key, value }, BudgetStatus);
  if (o.json || globals().json) return printJson(s);
  process.stdout.write(`${key} raised to ${value}${s.resumed?.length ? `; resumed ${s.resumed.join(', ')}` : ''}\n${render(s)}`);
}
