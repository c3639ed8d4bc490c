import type { SyncResult } from '../../api/index.js';
import { createPaths } from '../../paths/index.js';
import { onboard as runOnboard, defaultsPrompter, linePrompter, type OnboardResult, type Prompter } from '../../onboard/index.js';
import { client, printJson, runningClient, type GlobalOptions } from '../context.js';
import { Exit } from '../errors.js';
import { green, red, plural } from '../format.js';
import { formatPlanIssue } from './plan.js';

interface OnboardFlags {
  yes?: boolean;
  agent?: string;
  forge?: 'local' | 'github';
  scope?: 'project' | 'user';
  source?: 'github' | 'beads' | 'backlog';
  sample: boolean;
  commit: boolean;
  sync: boolean;
  json?: boolean;
}

export async function onboard(globals: () => GlobalOptions, o: OnboardFlags): Promise<void> {
  const json = o.json || globals().json;
  // With --json the conversation goes to stderr so stdout is one JSON document.
  const out = json ? process.stderr : process.stdout;
  const prompter = await choosePrompter(o.yes === true, out);
  let result: OnboardResult;
  try {
    result = await runOnboard({
      cwd: globals().root ?? process.cwd(),
      env: process.env,
      paths: createPaths(process.env),
      prompter,
      sample: o.sample,
      commit: o.commit,
      ...(o.agent ? { agent: o.agent } : {}),
      ...(o.forge ? { forge: o.forge } : {}),
      ...(o.scope ? { scope: o.scope } : {}),
      ...(o.source ? { source: o.source } : {}),
    });
  } finally {
    prompter.close();
  }
  let sync: SyncResult | undefined;
  if (result.ok && o.sync && result.root) {
    const opts = { ...globals(), root: result.root };
    // A daemon started before the config changed runs with the old one: stop it, the sync starts a fresh one.
    if (result.config.written) {
      const running = await runningClient(opts);
      if (running) await running.post('/api/shutdown', {}).catch(() => undefined);
      if (running) await waitGone(running.info.pid);
    }
    const c = await client(opts);
    sync = await c.post<SyncResult>('/api/sync', {});
  }
  if (json) printJson({ ...result, ...(sync ? { sync } : {}) });
  else {
    if (result.problem) process.stderr.write(`${red('onboarding stopped:')} ${result.problem}\n`);
    if (sync) {
      for (const i of sync.issues) process.stderr.write(`${formatPlanIssue(i)}\n`);
      process.stdout.write(sync.ok ? `${green('synced')} ${plural(sync.tasks, 'task')}; next: ${missingAgent(result) ?? 'orch start --wait'}\n` : `${red('sync failed')}: fix the files above and run orch sync\n`);
    }
  }
  process.exitCode = !result.ok || (sync && !sync.ok) ? Exit.input : Exit.ok;
}

/** The configured agent CLI when it is not installed: `orch start` could start nothing, so installing it comes first. */
function missingAgent(r: OnboardResult): string | undefined {
  const chosen = r.config.added.find((e) => e.table === 'agent' && e.key === 'backend')?.value;
  const agent = r.findings.find((f) => f.name === `agent ${typeof chosen === 'string' ? chosen : 'claude'}` && f.detail.endsWith('not found on PATH'));
  return agent ? `${agent.detail.replace(/ not found on PATH$/, '')} is not installed: ${agent.fix ?? 'install it'}; then orch start --wait` : undefined;
}

async function choosePrompter(yes: boolean, out: NodeJS.WriteStream): Promise<Prompter> {
  if (yes) return defaultsPrompter((t) => out.write(t));
  if (process.stdin.isTTY && out.isTTY) {
    const { inkPrompter } = await import('../../onboard/ink-prompter.js');
    return inkPrompter(process.stdin, out);
  }
  return linePrompter(process.stdin, out);
}

async function waitGone(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
