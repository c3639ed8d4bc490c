import { plural } from '../api/index.js';
import type { Report } from '../api/index.js';

const usd = (n: number): string => `$${n.toFixed(2)}`;
const num = (n: number): string => Math.round(n).toLocaleString('en-US');
const mins = (ms: number): string => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);
const hours = (ms: number): string => `${Number((ms / 3_600_000).toFixed(1))} h`;
const cell = (t: string): string => t.replaceAll('|', '\\|').replaceAll('\n', ' ');
const line = (t: string | null, max = 200): string => {
  const first = (t ?? '').split('\n')[0] ?? '';
  return first.length > max ? `${first.slice(0, max)}…` : first;
};

/** The report as markdown: the summary first (what a person reads in the morning), then the details. */
export function renderReport(r: Omit<Report, 'markdown'>): string {
  const p = r.period;
  const title = p.kind === 'day' ? `Orch report for ${p.key} (${p.timezone || 'system time'})` : `Orch report for batch ${p.name ? `${p.name} (${p.key})` : p.key}`;
  const t = r.totals;
  const where = (x: Report['tasks'][number]): string => (x.prUrl ? `[PR](${x.prUrl})` : x.mergeCommit ? `\`${x.mergeCommit.slice(0, 10)}\`` : '');
  const out = [
    `# ${title}`,
    '',
    `${t.merged} merged, ${t.failed} failed, ${t.waiting} waiting for you; ${plural(t.tasks, 'task')} over ${plural(t.runs, 'run')}; ${usd(t.costUsd)}${t.unpriced ? ` + unknown price (${plural(t.unpriced, 'run')})` : ''}, ${num(t.tokens)} tokens; agents worked ${mins(t.durationMs)}.`,
    '',
  ];
  const estimated = r.tasks.filter((x) => x.estimateMs !== null && x.outcome !== 'running');
  if (estimated.length) {
    const took = estimated.reduce((s, x) => s + x.durationMs, 0);
    const est = estimated.reduce((s, x) => s + (x.estimateMs ?? 0), 0);
    const over = estimated.filter((x) => x.durationMs > (x.estimateMs ?? 0)).map((x) => x.taskId);
    out.push(`Time against estimates: ${plural(estimated.length, 'estimated task')} took ${mins(took)} of ${hours(est)} estimated (${Math.round((took / est) * 100)}%)${over.length ? `; over their estimate: ${over.join(', ')}` : ''}.`, '');
  }
  const merged = r.tasks.filter((x) => x.outcome === 'merged');
  if (merged.length) out.push('## Merged', '', ...merged.map((x) => `- ${x.taskId}: ${x.title} ${where(x)}${x.tests ? ` (${x.tests})` : ''}`), '');
  const failed = r.tasks.filter((x) => x.outcome === 'failed' || x.outcome === 'stopped');
  if (failed.length) out.push('## Failed', '', ...failed.map((x) => `- ${x.taskId}: ${x.title} — ${x.outcome === 'stopped' ? 'stopped: ' : ''}${line(x.reason) || 'no reason recorded'} (\`orch logs ${x.taskId}\`)`), '');
  const waiting = r.tasks.filter((x) => x.outcome === 'waiting');
  if (waiting.length || r.questions.length) {
    out.push('## Waiting for you', '');
    for (const x of waiting) out.push(`- ${x.taskId}: ${x.title} — ${line(x.reason)}${x.prUrl ? ` [PR](${x.prUrl})` : ''}`);
    for (const q of r.questions) out.push(`- question ${q.id} (${q.taskId}): ${line(q.text)} — \`orch answer ${q.id} "..."\``);
    out.push('');
  }
  const running = r.tasks.filter((x) => x.outcome === 'running');
  if (running.length) out.push('## Still running', '', ...running.map((x) => `- ${x.taskId}: ${x.title}`), '');
  if (r.tasks.length) {
    out.push('## Tasks', '', '| task | outcome | runs | time | tokens | cost | checks | workflow | merged as |', '|---|---|---|---|---|---|---|---|---|');
    for (const x of r.tasks) out.push(`| ${x.taskId} | ${x.outcome} | ${x.runs} | ${mins(x.durationMs)}${x.complexity ? ` of ${hours(x.estimateMs ?? 0)} (${x.complexity})` : ''} | ${num(x.tokens)} | ${usd(x.costUsd)} | ${cell(x.tests ?? '')} | ${cell(x.workflow ?? '')} | ${where(x)} |`);
    out.push('', '## Modules', '', '| module | tasks | merged | failed | tokens | cost |', '|---|---|---|---|---|---|');
    for (const m of r.modules) out.push(`| ${m.module} | ${m.tasks} | ${m.merged} | ${m.failed} | ${num(m.tokens)} | ${usd(m.costUsd)} |`);
    out.push('');
  }
  if (r.budgets.length) {
    out.push('## Budgets', '', '| budget | for | spent | limit | state |', '|---|---|---|---|---|');
    for (const b of r.budgets) {
      const amount = (n: number): string => (b.unit === 'usd' ? usd(n) : num(n));
      out.push(`| ${b.key} | ${b.scope} ${b.id} | ${amount(b.spent)} | ${b.limit > 0 ? amount(b.limit) : 'none'} | ${b.limit > 0 ? b.state : 'no limit'} |`);
    }
    out.push('');
  }
  out.push(`_Generated ${r.generatedAt} by \`orch report\`._`, '');
  return out.join('\n');
}
