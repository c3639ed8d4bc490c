/**
 * Regenerates the text captures of docs/tui.md: each main screen at 80x24 and 160x48, drawn by the real App from a
 * fixed daemon state. `npm run docs:tui`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPaths } from '../src/paths/index.js';
import { createSettings } from '../src/tui/settings.js';
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

// The settings screen reads real config files: a project config with a comment, in a directory of its own (a fixed
// name: the captures show its path and must not change from one run to the next).
const home = join(tmpdir(), 'orch-tui-docs');
rmSync(home, { recursive: true, force: true });
const root = join(home, 'repo');
mkdirSync(join(root, '.orch'), { recursive: true });
writeFileSync(join(root, '.orch', 'config.toml'), '# project settings\nmax_parallel_agents = 4 # agents at once\n\n[agent]\nbackend = "claude"\n');
const settings = createSettings(createPaths({ HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), XDG_DATA_HOME: join(home, 'data') }), root, home);

async function capture(columns: number, rows: number): Promise<Record<string, string>> {
  const w = world();
  const ui = mountApp(w.client, columns, rows, undefined, settings);
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
  ui.stdin.write('j');
  ui.stdin.write('j');
  await key('\r', 'Stripe webhooks (in_progress');
  shots.task = shots['Stripe webhooks (in_progress'] ?? '';
  await key('1', '[1 dashboard]');
  await key('L', '10:00:02');
  shots.log = shots['10:00:02'] ?? '';
  await key('4', 'max_parallel_agents');
  shots.settings = shots.max_parallel_agents ?? '';
  await key('?', 'KEYS');
  shots.help = shots.KEYS ?? '';
  ui.app.unmount();
  return { dashboard: shots.dashboard ?? '', agents: shots.agents, plan: shots.plan, task: shots.task, log: shots.log, settings: shots.settings, help: shots.help };
}

// Ink clears the screen before a full-screen frame (and would color it): the captures keep the text.
// eslint-disable-next-line no-control-regex
const trim = (frame: string): string => frame.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();

const small = await capture(80, 24);
const large = await capture(160, 48);
let text = readFileSync(doc, 'utf8');
const start = text.indexOf('<!-- captures:start -->');
const end = text.indexOf('<!-- captures:end -->');
const body = ['dashboard', 'agents', 'plan', 'task', 'log', 'settings', 'help']
  .map((name) => `### ${name}\n\n80x24:\n\n\`\`\`text\n${trim(small[name] ?? '')}\n\`\`\`\n\n160x48:\n\n\`\`\`text\n${trim(large[name] ?? '')}\n\`\`\`\n`)
  .join('\n');
text = `${text.slice(0, start)}<!-- captures:start -->\n${body}${text.slice(end)}`;
writeFileSync(doc, text);
rmSync(home, { recursive: true, force: true });
process.stdout.write(`wrote ${doc}\n`);
process.exit(0);
