/**
 * Regenerates the text captures of docs/tui.md: each main screen at 80x24 and 160x48, drawn by the real App from a
 * fixed daemon state. `npm run docs:tui`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeClient, output, run, status, task } from '../src/tui/testing.js';
import { mountApp } from './tui-harness.js';

const doc = join(process.cwd(), 'docs', 'tui.md');

function world() {
  const active = [
    run('r1', 'billing/E02', 'running'),
    run('r2', 'auth/E01', 'waiting', { waitingReason: 'question q7: Should sessions expire after 1 h or 24 h?' }),
    run('r3', 'web/E03', 'running'),
  ];
  const w = fakeClient({
    status: status(active),
    tasks: [
      task('billing/E01', { title: 'Invoice model', status: 'complete' }),
      task('billing/E02', { title: 'Stripe webhooks', status: 'in_progress', dependsOn: ['billing/E01'] }),
      task('billing/E03', { title: 'Refunds', ready: false, dependsOn: ['billing/E02'], waitingFor: ['billing/E02'] }),
      task('auth/E01', { title: 'Session store', status: 'in_progress' }),
      task('auth/E02', { title: 'Password reset', ready: true }),
      task('web/E03', { title: 'Checkout page', status: 'in_progress' }),
      task('web/E04', { title: 'Receipts page', ready: false, dependsOn: ['billing/E03'], waitingFor: ['billing/E03'] }),
    ],
    questions: [{ id: 'q7', runId: 'r2', taskId: 'auth/E01', kind: 'question', text: 'Should sessions expire after 1 h or 24 h?', audience: 'human', answer: null, answeredBy: null, createdAt: '', answeredAt: null }],
  });
  return w;
}

async function capture(columns: number, rows: number): Promise<Record<string, string>> {
  const w = world();
  const ui = mountApp(w.client, columns, rows);
  await ui.waitFor((f) => f.includes('RUNNING 3'));
  const push = (e: Parameters<typeof w.streams[number]['push']>[0]) => w.streams[0]?.push(e);
  push(output('r1', 'billing/E02', { type: 'text', text: 'I will add the webhook handler and its test.' }));
  push(output('r1', 'billing/E02', { type: 'tool_call', id: '1', name: 'Write', input: { file_path: '/w/r1/src/billing/webhooks.ts', content: '...' } }));
  push(output('r1', 'billing/E02', { type: 'tool_result', id: '1', isError: false, output: 'File created successfully' }));
  push(output('r1', 'billing/E02', { type: 'tool_call', id: '2', name: 'Bash', input: { command: 'npm test -- webhooks' } }));
  push(output('r3', 'web/E03', { type: 'tool_call', id: '3', name: 'Edit', input: { file_path: '/w/r3/src/web/checkout.tsx' } }));
  push(output('r3', 'web/E03', { type: 'tool_result', id: '3', isError: true, output: 'old_string not found in file\nline 2' }));
  await ui.waitFor((f) => f.includes('running tests'));
  const shots: Record<string, string> = { dashboard: ui.stdout.last };
  const key = async (k: string, until: string) => {
    ui.stdin.write(k);
    shots[until] = await ui.waitFor((f) => f.includes(until));
  };
  await key('2', '→ Bash npm test -- webhooks');
  shots.agents = shots['→ Bash npm test -- webhooks'] ?? '';
  await key('3', 'critical path');
  shots.plan = shots['critical path'] ?? '';
  await key('?', 'KEYS');
  shots.help = shots.KEYS ?? '';
  ui.app.unmount();
  return { dashboard: shots.dashboard ?? '', agents: shots.agents, plan: shots.plan, help: shots.help };
}

const trim = (frame: string): string => frame.split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();

const small = await capture(80, 24);
const large = await capture(160, 48);
let text = readFileSync(doc, 'utf8');
const start = text.indexOf('<!-- captures:start -->');
const end = text.indexOf('<!-- captures:end -->');
const body = ['dashboard', 'agents', 'plan', 'help']
  .map((name) => `### ${name}\n\n80x24:\n\n\`\`\`text\n${trim(small[name] ?? '')}\n\`\`\`\n\n160x48:\n\n\`\`\`text\n${trim(large[name] ?? '')}\n\`\`\`\n`)
  .join('\n');
text = `${text.slice(0, start)}<!-- captures:start -->\n${body}${text.slice(end)}`;
writeFileSync(doc, text);
process.stdout.write(`wrote ${doc}\n`);
process.exit(0);
