import { createHmac } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPaths } from '../../src/paths/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookPayload, type Report } from '../../src/api/index.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { startReceiver, type Receiver } from '../notify-receiver.js';

const SECRET = 'e2e-hook-signing-key';

describe('notifications through the real daemon', () => {
  let sb: Sandbox;
  let hook: Receiver;
  let telegram: Receiver;
  beforeAll(async () => {
    hook = await startReceiver((r) => (r.path === '/hook' ? { status: 204 } : { status: 404 }));
    telegram = await startReceiver(() => ({ status: 401, body: JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }) }));
    sb = sandbox(
      {
        'docs/plans/app-module/epic-01-login.md': epic('Login', 'Password login.', { 'src/auth/login.js': 'export const check = (user, password) => bcrypt.compare(password, user.hash);' }),
        'docs/plans/docs-module/epic-01-usage.md': epic('Docs', 'A docs page.', { 'docs/usage.md': '# Usage' }),
      },
      { env: { ORCH_TEST_HOOK_SECRET: SECRET, ORCH_TELEGRAM_TOKEN: '999:e2e-token' } },
    );
    // The user's own config (a project file may never set [notify]).
    appendFileSync(
      join(sb.base, 'config', 'orch', 'config.toml'),
      `\n[notify]\nretries = 0\n\n[notify.webhook]\nurl = "${hook.url}/hook"\nsecret_env = "ORCH_TEST_HOOK_SECRET"\n\n[notify.telegram]\nchat_id = "42"\napi_url = "${telegram.url}"\nevents = ["budget.exceeded"]\n`,
    );
  });
  afterAll(async () => {
    sb?.cleanup();
    await hook?.close();
    await telegram?.close();
  });

  const bodies = () => hook.received.map((r) => ({ r, body: WebhookPayload.parse(JSON.parse(r.body)) }));

  it('a flagged change, and the batch that finishes with it waiting for a person, reach the webhook, signed', async () => {
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/1 merged, 0 failed, 1 waiting for you/);
    // The change waiting for review does not keep the batch open: it finishes, counting the change as waiting for you.
    await hook.waitFor(2, 20_000);
    const flagged = bodies().find((g) => g.body.kind === 'task.needs_review');
    expect(flagged?.body).toMatchObject({ version: 1, project: 'repo', taskId: 'app/E01', title: 'app/E01 needs your review' });
    expect(flagged?.body.text).toContain('src/auth/login.js');
    const batch = bodies().find((g) => g.body.kind === 'batch.finished');
    expect(batch?.body.title).toMatch(/^Batch \S+ finished: 1 merged, 0 failed, 1 waiting for you$/);
    // The batch's report (O5) travels in the notice and is written to .orch/reports/.
    const sha = sb.git('rev-parse', 'main').trim().slice(0, 10);
    expect(batch?.body.text).toContain(`## Merged\n\n- docs/E01: Docs \`${sha}\``);
    expect(batch?.body.text).toMatch(/## Waiting for you\n\n- app\/E01: Login — needs review \(security\)/);
    const file = /Full report: (\.orch\/reports\/\d{4}-\d{2}-\d{2}-\S+\.md) \(orch report\)$/.exec(batch?.body.text ?? '')?.[1];
    expect(file).toBeDefined();
    expect(readFileSync(join(sb.repo, file ?? ''), 'utf8')).toContain('1 merged, 0 failed, 1 waiting for you');
    const status = sb.orchJson<{ batches: Array<{ state: string }> }>('status');
    expect(status.batches[0]?.state).toBe('finished');
    // Approving it later merges it; the batch is not finished a second time.
    const merge = await sb.orchAsync('pr', 'merge', 'app/E01');
    expect(merge.status, merge.stdout + merge.stderr).toBe(0);
    await until(() => sb.orchJson<Array<{ id: string; status: string }>>('list').find((t) => t.id === 'app/E01')?.status === 'complete', 'the approved merge');
    const got = bodies();
    for (const { r: req } of got) {
      expect(req.headers['x-orch-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(req.body).digest('hex')}`);
    }
    expect(got.filter((g) => g.body.kind === 'batch.finished')).toHaveLength(1);
    // task.merged is not notified by default, and Telegram listens to budget.exceeded only.
    expect(got.some((g) => g.body.kind === 'task.merged')).toBe(false);
    expect(telegram.received).toHaveLength(0);
  });

  it('orch report: the day and the batch, by task and module, written to .orch/reports/; a bad date says how to write one', async () => {
    const day = sb.orchJson<Report>('report');
    expect(day.period.kind).toBe('day');
    expect(day.totals).toMatchObject({ tasks: 2, merged: 2, failed: 0, waiting: 0 });
    expect(day.tasks.map((t) => [t.taskId, t.outcome, t.runs])).toEqual([['app/E01', 'merged', 1], ['docs/E01', 'merged', 1]]);
    expect(day.tasks[0]?.mergeCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(day.tasks[0]?.tokens).toBeGreaterThan(0);
    expect(day.modules.map((m) => [m.module, m.tasks, m.merged])).toEqual([['app', 1, 1], ['docs', 1, 1]]);
    expect(day.file).toBe(`.orch/reports/${day.period.key}.md`);
    expect(readFileSync(join(sb.repo, day.file), 'utf8')).toBe(day.markdown);
    // Reports are Orch's output: the new folder ignores itself, so the checkout stays clean.
    expect(sb.git('status', '--porcelain', '--untracked-files=all')).not.toContain('.orch/reports');
    const text = sb.orch('report', day.period.key);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`# Orch report for ${day.period.key}`);
    expect(text.stdout).toMatch(/\| app\/E01 \| merged \| 1 \|/);
    const batches = sb.orchJson<{ batches: Array<{ id: string }> }>('status').batches;
    const byBatch = sb.orchJson<Report>('report', '--batch', batches[0]?.id ?? '');
    expect(byBatch.period).toMatchObject({ kind: 'batch', key: batches[0]?.id });
    const bad = sb.orch('report', '2026-13-45x');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('is not a date; write it as YYYY-MM-DD');
  });

  it('orch notify test names the failing channel and why, exits 1; one channel alone passes; doctor shows the failure', async () => {
    const all = await sb.orchAsync('notify', 'test');
    expect(all.status, all.stdout + all.stderr).toBe(1);
    expect(all.stdout).toMatch(/ok {3}webhook: delivered/);
    expect(all.stdout).toMatch(/FAIL telegram: HTTP 401: Unauthorized \(check the bot token in ORCH_TELEGRAM_TOKEN\)/);
    expect(all.stderr).toContain('telegram failed: HTTP 401');
    expect(all.stdout + all.stderr).not.toContain('e2e-token');
    expect(telegram.received[0]?.path).toBe('/bot999:e2e-token/sendMessage');
    expect(bodies().at(-1)?.body.kind).toBe('test');

    const one = await sb.orchAsync('notify', 'test', '--channel', 'webhook');
    expect(one.status, one.stdout + one.stderr).toBe(0);
    const json = await sb.orchAsync('notify', 'test', 'webhook', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ results: [{ channel: 'webhook', ok: true, attempts: 1, detail: 'delivered' }] });
    const slack = await sb.orchAsync('notify', 'test', 'slack');
    expect(slack.status).toBe(2);
    expect(slack.stderr).toMatch(/the slack channel is not configured; configured: telegram, webhook/);
    const bad = await sb.orchAsync('notify', 'test', 'pager');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown channel "pager"; channels are desktop, slack, telegram, webhook/);

    const doctor = await sb.orchAsync('doctor', '--json');
    const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> }).checks;
    expect(checks.find((c) => c.name === 'notify telegram')).toMatchObject({ ok: false, detail: expect.stringMatching(/the last delivery failed .*HTTP 401: Unauthorized/) as unknown });
    expect(checks.find((c) => c.name === 'notify webhook')?.ok).toBe(true);
    const state = join(sb.base, 'state', 'orch', 'projects');
    expect(existsSync(state)).toBe(true);
    expect(readFileSync(join(sb.base, 'config', 'orch', 'config.toml'), 'utf8')).not.toContain(SECRET);
  });

  it('[notify] and [budget] edited under a running daemon apply without a restart (its config watch, or the next command)', async () => {
    const slack = await startReceiver();
    try {
      const pid = sb.orchJson<{ daemon: { pid: number } }>('status').daemon.pid;
      const userConfig = join(sb.base, 'config', 'orch', 'config.toml');
      // The Slack URL is a secret: in the secrets file (0600), never in a config.
      const url = `${slack.url}/services/T000/B000/e2e-slack-secret`;
      writeFileSync(join(sb.base, 'config', 'orch', 'secrets.env'), `ORCH_E2E_SLACK=${url}\n`, { mode: 0o600 });
      appendFileSync(userConfig, '\n[notify.slack]\nwebhook_url_env = "ORCH_E2E_SLACK"\n\n[budget]\ndaily_usd = 55\n');
      const r = await sb.orchAsync('notify', 'test', 'slack');
      expect(r.status, r.stdout + r.stderr).toBe(0);
      // Whichever came first reloaded it: the daemon's config watch (its log) or this command's drift check.
      const daemonLog = readFileSync(createPaths(sb.env).project(sb.repo).daemonLog, 'utf8');
      expect(`${r.stderr}\n${daemonLog}`).toMatch(/config reloaded( by the daemon| \(file changed\)): .*notify\.slack\.webhook_url_env/);
      expect(r.stderr).not.toContain('orch daemon restart');
      expect(r.stdout).toMatch(/ok {3}slack: delivered/);
      expect(slack.received).toHaveLength(1);
      expect(slack.received[0]?.path).toBe('/services/T000/B000/e2e-slack-secret');
      expect(JSON.parse(slack.received[0]?.body ?? '{}')).toMatchObject({ text: expect.stringContaining('test') as unknown });
      const budget = JSON.parse((await sb.orchAsync('budget', '--json')).stdout) as { lines: Array<{ key: string; limit: number }> };
      expect(budget.lines.find((l) => l.key === 'daily_usd')?.limit).toBe(55);
      // The same daemon: nothing was restarted, and the secret is in none of its logs.
      expect(sb.orchJson<{ daemon: { pid: number } }>('status').daemon.pid).toBe(pid);
      const logs = join(sb.base, 'state', 'orch');
      expect(grepTree(logs, 'e2e-slack-secret')).toEqual([]);
      // A channel taken out is no longer offered anything.
      writeFileSync(userConfig, readFileSync(userConfig, 'utf8').replace(/\n\[notify\.slack\]\nwebhook_url_env = "ORCH_E2E_SLACK"\n/, '\n'));
      const gone = await sb.orchAsync('notify', 'test', 'slack');
      expect(gone.status).toBe(2);
      expect(gone.stderr).toMatch(/the slack channel is not configured; configured: telegram, webhook/);
    } finally {
      await slack.close();
    }
  });
});

/** Files under `dir` whose text contains `needle` (logs, state, the store). */
function grepTree(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    if (readFileSync(p).includes(needle)) hits.push(p);
  }
  return hits;
}
