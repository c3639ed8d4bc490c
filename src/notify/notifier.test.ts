import { createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeEvent, WebhookPayload, type AnyEvent, type BatchReport, type EventData, type EventType } from '../api/index.js';
import { NotifySchema } from '../config/notify-schema.js';
import { startReceiver, type Receiver } from '../../test/notify-receiver.js';
import { createNotifier, type NotifierDeps } from './notifier.js';
import { readNotifyState } from './health.js';
import { createStore, type Store } from '../store/index.js';

let dir: string;
let servers: Receiver[] = [];
let seq = 0;
let stores: Store[] = [];
let made: Array<{ settled: () => Promise<void> }> = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-notify-'));
});
afterEach(async () => {
  // What is still in flight settles into its store before the store closes.
  for (const n of made.splice(0)) await n.settled();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const receiver = async (reply?: Parameters<typeof startReceiver>[0]): Promise<Receiver> => {
  const r = await startReceiver(reply);
  servers.push(r);
  return r;
};

const ev = <T extends EventType>(type: T, taskId: string | null, data: EventData<T>): AnyEvent => makeEvent(++seq, new Date().toISOString(), type, taskId, taskId ? `run-${seq}` : null, data) as AnyEvent;
const flagged = (task = 'app/E01') => ev('task.status', task, { status: 'needs_review', category: 'security', reasons: [{ category: 'security', rule: 'path', file: 'src/auth/login.js', line: 3, detail: 'touches authentication' }] });

/** The project's store (real SQLite): one file per state file, as one daemon's state dir holds both. */
const storeFor = (stateFile: string): Store => {
  const s = createStore(`${stateFile}.db`);
  stores.push(s);
  return s;
};

function notifier(cfg: unknown, o: Partial<NotifierDeps> = {}) {
  const lines: string[] = [];
  const store = storeFor(o.stateFile ?? join(dir, 'notify.json'));
  const n = createNotifier({
    config: NotifySchema.parse(cfg),
    timezone: 'UTC',
    env: {},
    secretsFile: join(dir, 'secrets.env'),
    stateFile: join(dir, 'notify.json'),
    project: 'shop',
    version: '0.0.0-test',
    log: (m) => lines.push(m),
    backoffMs: 5,
    outbox: store.outbox,
    ...o,
  });
  made.push(n);
  return { n, lines, store };
}

describe('a scheduled batch that did not run', () => {
  it('is told by default (batch.missed) with the reason and how to run it now', async () => {
    const hook = await receiver();
    const { n } = notifier({ webhook: { url: hook.url } });
    n.onEvent(ev('batch.missed', null, { name: 'nightly', due: '2026-12-04T01:00:00.000Z', reason: 'it could not start: the plan has 2 problems' }));
    const [r] = await hook.waitFor(1);
    const body = WebhookPayload.parse(JSON.parse(r?.body ?? ''));
    expect(body).toMatchObject({ kind: 'batch.missed', title: 'Scheduled batch nightly did not run' });
    expect(body.text).toBe('it could not start: the plan has 2 problems\nDue: 2026-12-04T01:00:00.000Z. Run it now: orch batch run nightly');
  });
});

describe('a config reload', () => {
  it('adds a channel to a daemon that had none, narrows its events keeping its health, and takes it out', async () => {
    const hook = await receiver();
    const { n, lines } = notifier({});
    n.start();
    expect(n.channels).toEqual([]);
    n.reconfigure(NotifySchema.parse({ webhook: { url: `${hook.url}/hook` } }));
    expect(n.channels).toEqual(['webhook']);
    n.onEvent(flagged());
    await hook.waitFor(1);
    await n.settled();
    n.reconfigure(NotifySchema.parse({ webhook: { url: `${hook.url}/hook`, events: ['budget.exceeded'] } }));
    n.onEvent(flagged('app/E02'));
    n.onEvent(ev('budget.exceeded', null, { key: 'daily_usd', scope: 'day', id: '2026-12-04', unit: 'usd', spent: 61, limit: 60, unpriced: 0, message: 'daily_usd: spent', overshoot: 1 }));
    await hook.waitFor(2);
    await n.settled();
    expect(hook.received.map((r) => r.headers['x-orch-event'])).toEqual(['task.needs_review', 'budget.exceeded']);
    expect(n.health()['webhook']).toMatchObject({ sent: 2, failed: 0 });
    n.reconfigure(NotifySchema.parse({}));
    expect(n.channels).toEqual([]);
    n.onEvent(ev('budget.exceeded', null, { key: 'daily_usd', scope: 'day', id: '2026-12-04', unit: 'usd', spent: 62, limit: 60, unpriced: 0, message: 'daily_usd: spent', overshoot: 2 }));
    await n.settled();
    expect(hook.received).toHaveLength(2);
    expect(lines.join('\n')).toContain('notify: channels now none');
    n.stop();
  });
});

describe('the generic webhook', () => {
  it('POSTs the versioned JSON body, signed with HMAC-SHA256 of the exact body', async () => {
    const hook = await receiver();
    const { n } = notifier({ webhook: { url: `${hook.url}/hook`, secret_env: 'HOOK_SECRET' } }, { env: { HOOK_SECRET: 's3cret-value' } });
    n.onEvent(flagged());
    const [r] = await hook.waitFor(1);
    expect(r?.method).toBe('POST');
    expect(r?.path).toBe('/hook');
    const expected = `sha256=${createHmac('sha256', 's3cret-value').update(r?.body ?? '').digest('hex')}`;
    expect(r?.headers['x-orch-signature']).toBe(expected);
    expect(r?.headers['x-orch-event']).toBe('task.needs_review');
    const body = WebhookPayload.parse(JSON.parse(r?.body ?? ''));
    expect(body).toMatchObject({ version: 1, project: 'shop', kind: 'task.needs_review', taskId: 'app/E01', title: 'app/E01 needs your review', items: [] });
    expect(body.id).toBe(r?.headers['x-orch-delivery']);
    expect(body.text).toContain('src/auth/login.js:3 touches authentication');
    expect(body.event?.type).toBe('task.status');
    // Unsigned without a secret.
    const plain = notifier({ webhook: { url: `${hook.url}/plain` } });
    plain.n.onEvent(flagged('app/E02'));
    const [, second] = await hook.waitFor(2);
    expect(second?.headers['x-orch-signature']).toBeUndefined();
  });

  it('retries a 500 with backoff under the same delivery id, then records the delivery', async () => {
    const hook = await receiver((_r, i) => (i < 2 ? { status: 500, body: 'boom' } : { status: 204 }));
    const { n } = notifier({ webhook: { url: hook.url } });
    n.onEvent(flagged());
    const got = await hook.waitFor(3);
    await n.settled();
    expect(new Set(got.map((g) => g.headers['x-orch-delivery'])).size).toBe(1);
    expect(n.health()['webhook']).toMatchObject({ sent: 1, failed: 0, lastError: null });
    expect(readNotifyState(join(dir, 'notify.json')).channels['webhook']?.sent).toBe(1);
    expect(statSync(join(dir, 'notify.json')).mode & 0o777).toBe(0o600);
  });

  it('a channel that keeps failing is logged and recorded, never thrown; a 4xx is not retried', async () => {
    const down = await receiver(() => ({ status: 503, body: 'maintenance' }));
    const refused = await receiver(() => ({ status: 410, body: 'gone' }));
    const { n, lines } = notifier({ retries: 2, webhook: { url: down.url } });
    expect(() => n.onEvent(flagged())).not.toThrow();
    await down.waitFor(3);
    await n.settled();
    expect(n.health()['webhook']).toMatchObject({ sent: 0, failed: 1, lastError: 'HTTP 503: maintenance (after 3 attempts)' });
    expect(lines.join('\n')).toMatch(/notify: webhook: "app\/E01 needs your review" not delivered: HTTP 503: maintenance \(after 3 attempts\); `orch notify test webhook`/);
    const other = notifier({ retries: 2, webhook: { url: refused.url } }, { stateFile: join(dir, 'other.json') });
    const [r] = await other.n.test();
    expect(r).toEqual({ channel: 'webhook', ok: false, attempts: 1, detail: 'HTTP 410: gone' });
    expect(refused.received).toHaveLength(1);
  });

  it('orch notify test does not wait behind deliveries queued on a slow endpoint', async () => {
    const { createServer } = await import('node:http');
    const slow = createServer((req, res) => {
      // Only the test message is answered; the queued delivery waits for its timeout.
      if (req.headers['x-orch-event'] === 'test') res.writeHead(204).end();
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const port = (slow.address() as { port: number }).port;
      const { n } = notifier({ retries: 0, timeout_seconds: 2, webhook: { url: `http://127.0.0.1:${port}/` } });
      n.onEvent(flagged());
      const order: string[] = [];
      const queued = n.settled().then(() => order.push('queued'));
      const [r] = await n.test();
      order.push('test');
      expect(r).toMatchObject({ ok: true, detail: 'delivered' });
      await queued;
      expect(order).toEqual(['test', 'queued']);
      expect(n.health()['webhook']).toMatchObject({ sent: 1, failed: 1, lastError: 'no answer within 2 s' });
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('reads its secret from a 0600 secrets file, refuses a file others can read, and names what is missing', async () => {
    const hook = await receiver();
    const file = join(dir, 'secrets.env');
    writeFileSync(file, '# notify\nHOOK_URL="' + hook.url + '/from-file"\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    const { n } = notifier({ webhook: { url_env: 'HOOK_URL' } });
    const [open] = await n.test('webhook');
    expect(open?.ok).toBe(false);
    expect(open?.detail).toMatch(/HOOK_URL is not set, and .*secrets\.env is readable by others \(mode 644\); run chmod 600/);
    chmodSync(file, 0o600);
    const [ok] = await n.test('webhook');
    expect(ok).toMatchObject({ ok: true, detail: 'delivered' });
    expect(hook.received[0]?.path).toBe('/from-file');
    const missing = notifier({ webhook: { url: hook.url, secret_env: 'NOPE_SECRET' } }, { stateFile: join(dir, 'x.json') });
    const [m] = await missing.n.test();
    expect(m?.detail).toMatch(/NOPE_SECRET is not set in the daemon's environment nor in .*secrets\.env/);
  });
});

describe('Slack and Telegram', () => {
  it('Slack gets {"text"} at the webhook URL from the environment; the URL never appears in an error', async () => {
    const slack = await receiver((_r, i) => (i === 0 ? { status: 200, body: 'ok' } : { status: 404, body: 'no_service' }));
    const url = `${slack.url}/services/T000/B000/XXXXSECRETXXXX`;
    const { n, lines } = notifier({ slack: {}, events: ['budget.warning'] }, { env: { ORCH_SLACK_WEBHOOK_URL: url } });
    n.onEvent(ev('budget.warning', null, { key: 'daily_usd', scope: 'day', id: '2026-12-03', unit: 'usd', spent: 45, limit: 60, unpriced: 0, message: 'daily_usd at 75%' }));
    n.onEvent(flagged()); // not in this channel's events
    const [r] = await slack.waitFor(1);
    expect(r?.path).toBe('/services/T000/B000/XXXXSECRETXXXX');
    expect(JSON.parse(r?.body ?? '')).toEqual({ text: 'Orch · shop: *Budget at 75%: daily_usd (day 2026-12-03) $45.00 of $60.00*\ndaily_usd at 75%' });
    const [failed] = await n.test();
    expect(failed?.ok).toBe(false);
    expect(failed?.detail).toBe('HTTP 404: no_service');
    expect(JSON.stringify(n.health()) + lines.join('\n')).not.toContain('XXXXSECRETXXXX');
    expect(slack.received).toHaveLength(2);
  });

  it('Telegram: sendMessage with chat_id and text at <api_url>/bot<token>/; its refusal is told without the token', async () => {
    const tg = await receiver((r, i) => (i === 0 ? { status: 200, body: JSON.stringify({ ok: true, result: { message_id: 7 } }) } : { status: 400, body: JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }) }));
    const { n } = notifier({ telegram: { chat_id: -100123, api_url: tg.url } }, { env: { ORCH_TELEGRAM_TOKEN: '123456:ABC-token-value' } });
    n.onEvent(ev('run.question', 'app/E01', { signal: { id: 'q-1', runId: 'r', taskId: 'app/E01', kind: 'question', text: 'Which currency?', audience: 'human', answer: null, answeredBy: null, createdAt: '', answeredAt: null } }));
    const [r] = await tg.waitFor(1);
    expect(r?.path).toBe('/bot123456:ABC-token-value/sendMessage');
    const body = JSON.parse(r?.body ?? '') as { chat_id: string; text: string };
    expect(body.chat_id).toBe('-100123');
    expect(body.text).toContain('Orch · shop: app/E01 asks: Which currency?');
    expect(body.text).toContain('orch answer q-1');
    const [refused] = await n.test('telegram');
    expect(refused).toMatchObject({ ok: false, attempts: 1 });
    expect(refused?.detail).toBe('HTTP 400: Bad Request: chat not found (check chat_id -100123: the bot must be in that chat)');
    expect(refused?.detail).not.toContain('ABC-token-value');
  });
});

describe('quiet hours and rate limits', () => {
  it('holds notifications during quiet hours (project time zone) and sends one digest when they end; a restart keeps them', async () => {
    const hook = await receiver();
    let clock = new Date('2026-12-03T22:30:00Z'); // 23:30 in Berlin
    const cfg = { quiet_hours: '22:00-07:00', webhook: { url: hook.url } };
    const first = notifier(cfg, { timezone: 'Europe/Berlin', now: () => clock });
    first.n.onEvent(flagged('app/E01'));
    first.n.onEvent(ev('task.status', 'app/E02', { status: 'failed', error: 'tests failed' }));
    first.n.tick();
    await first.n.settled();
    expect(hook.received).toHaveLength(0);
    expect(first.n.health()['webhook']?.held).toBe(2);
    // The daemon restarts during the night: the held ones come back from notify.json.
    clock = new Date('2026-12-04T05:59:00Z'); // 06:59 in Berlin
    const second = notifier(cfg, { timezone: 'Europe/Berlin', now: () => clock });
    second.n.onEvent(ev('budget.exceeded', null, { key: 'daily_usd', scope: 'day', id: '2026-12-04', unit: 'usd', spent: 61, limit: 60, unpriced: 0, message: 'stop', overshoot: 1 }));
    second.n.tick();
    await second.n.settled();
    expect(hook.received).toHaveLength(0);
    clock = new Date('2026-12-04T06:00:00Z'); // 07:00 in Berlin
    second.n.tick();
    const [r] = await hook.waitFor(1);
    const digest = WebhookPayload.parse(JSON.parse(r?.body ?? ''));
    expect(digest).toMatchObject({ kind: 'digest', title: '3 notifications held during quiet hours' });
    expect(digest.items.map((i) => i.kind)).toEqual(['task.needs_review', 'task.failed', 'budget.exceeded']);
    expect(digest.text).toContain('• app/E02 failed');
    second.n.tick();
    await second.n.settled();
    expect(hook.received).toHaveLength(1);
    expect(second.n.health()['webhook']?.held).toBe(0);
  });

  it('sends at most max_per_hour per channel; the rest go out as one digest when the hour allows', async () => {
    const hook = await receiver();
    let clock = new Date('2026-12-03T12:00:00Z');
    const { n } = notifier({ max_per_hour: 2, webhook: { url: hook.url } }, { now: () => clock });
    for (const t of ['a/E01', 'a/E02', 'a/E03', 'a/E04']) n.onEvent(flagged(t));
    await hook.waitFor(2);
    await n.settled();
    expect(hook.received).toHaveLength(2);
    clock = new Date('2026-12-03T12:59:00Z');
    n.tick();
    await n.settled();
    expect(hook.received).toHaveLength(2);
    clock = new Date('2026-12-03T13:00:01Z');
    n.tick();
    const got = await hook.waitFor(3);
    const digest = WebhookPayload.parse(JSON.parse(got[2]?.body ?? ''));
    expect(digest.title).toBe('2 notifications held by the rate limit (2/hour)');
    expect(digest.items.map((i) => i.taskId)).toEqual(['a/E03', 'a/E04']);
  });
});

describe('which events notify', () => {
  it('by default what needs a person, budgets and finished batches, not merges; a scheduled batch follows notify_on_complete', async () => {
    const hook = await receiver();
    const report: BatchReport = {
      batch: { id: 'b1', scope: { tasks: [] }, maxTasks: null, started: 2, state: 'finished', createdAt: '', endedAt: '', name: 'nightly', budgetUsd: null, deadline: null },
      runs: [],
      merged: ['a/E01'],
      failed: ['a/E02'],
      needsHuman: [{ taskId: 'a/E03', reason: 'needs review (security): x — see orch pr review' }],
      busy: false,
      done: true,
    };
    const scheduled: Record<string, boolean | string[]> = { b2: false, b3: ['slack'] };
    const { n } = notifier({ webhook: { url: hook.url } }, { batch: (id) => ({ ...report, batch: { ...report.batch, id } }), notifyOnComplete: (id) => scheduled[id] });
    n.onEvent(ev('task.status', 'a/E01', { status: 'complete', mergeCommit: 'abc123' }));
    n.onEvent(ev('task.status', 'a/E05', { status: 'in_progress' }));
    n.onEvent(ev('run.waiting', 'a/E06', { reason: 'retrying in 5 s: overloaded' }));
    n.onEvent(ev('run.question', 'a/E07', { signal: { id: 'q', runId: 'r', taskId: 'a/E07', kind: 'question', text: 'plan?', audience: 'orchestrator', answer: null, answeredBy: null, createdAt: '', answeredAt: null } }));
    n.onEvent(ev('batch.finished', null, { batchId: 'b2' }));
    n.onEvent(ev('batch.finished', null, { batchId: 'b3' }));
    n.onEvent(ev('run.waiting', 'a/E04', { reason: 'stuck: no output for 15 min — give guidance with: orch resume a/E04 --guidance "..."' }));
    n.onEvent(ev('run.waiting', 'a/E08', { reason: 'question q8 unanswered for 4h: plan? — answer with: orch answer q8 "..."' }));
    n.onEvent(ev('batch.finished', null, { batchId: 'b1' }));
    const got = await hook.waitFor(3);
    await n.settled();
    expect(hook.received).toHaveLength(3);
    const bodies = got.map((g) => WebhookPayload.parse(JSON.parse(g.body)));
    expect(bodies[0]).toMatchObject({ kind: 'agent.stuck', title: 'a/E04: the agent is stuck' });
    expect(bodies.splice(1, 1)[0]).toMatchObject({ kind: 'question.waiting', title: 'a/E08: a question is still unanswered' });
    expect(bodies[1]).toMatchObject({ kind: 'batch.finished', title: 'Batch nightly (b1) finished: 1 merged, 1 failed, 1 waiting for you' });
    expect(bodies[1]?.text).toContain('Waits for you: a/E03: needs review (security): x\n');
  });

  it('desktop runs notify-send by argv where it is installed, and is skipped where it is not', async () => {
    const bin = join(dir, 'bin');
    const argsFile = join(dir, 'args.json');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bin);
    writeFileSync(join(bin, 'notify-send'), `#!/usr/bin/env node\nrequire('node:fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\n`, { mode: 0o755 });
    const { n } = notifier({ desktop: {} }, { env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
    const [r] = await n.test();
    expect(r).toMatchObject({ channel: 'desktop', ok: true, detail: 'delivered' });
    expect(JSON.parse(readFileSync(argsFile, 'utf8'))).toEqual(['--app-name=Orch', '--urgency=normal', '--', 'Orch · shop: Test notification from Orch', 'If you read this, this channel works (orch notify test).']);
    const none = notifier({ desktop: {} }, { env: { PATH: join(dir, 'empty') }, stateFile: join(dir, 'd.json') });
    expect(await none.n.test()).toEqual([{ channel: 'desktop', ok: true, attempts: 1, detail: 'notify-send is not installed here; skipped' }]);
  });
});
