import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookPayload, type AnyEvent } from '../api/index.js';
import { NotifySchema } from '../config/notify-schema.js';
import { startReceiver, type Receiver } from '../../test/notify-receiver.js';
import { createStore, type Store } from '../store/index.js';
import { createNotifier, type Notifier, type NotifierDeps } from './notifier.js';

// The outbox (O2): a notice is in the store before its first attempt and leaves it once delivered, so neither a
// channel that is down for hours nor a daemon killed mid-delivery loses one.
let dir: string;
let store: Store;
let servers: Receiver[] = [];
let made: Notifier[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-outbox-'));
  store = createStore(join(dir, 'orch.db'));
});
afterEach(async () => {
  for (const n of made.splice(0)) {
    n.stop();
    await n.settled();
  }
  await Promise.all(servers.splice(0).map((s) => s.close()));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const receiver = async (reply?: Parameters<typeof startReceiver>[0]): Promise<Receiver> => {
  const r = await startReceiver(reply);
  servers.push(r);
  return r;
};

/** A real event in the store, as the engine appends them. */
const failed = (task: string): AnyEvent => store.events.append('task.status', task, null, { status: 'failed', error: `${task} broke` }) as AnyEvent;

function notifier(url: string, o: Partial<NotifierDeps> = {}): { n: Notifier; lines: string[] } {
  const lines: string[] = [];
  const n = createNotifier({
    config: NotifySchema.parse({ retries: 1, webhook: { url } }),
    timezone: 'UTC',
    env: {},
    secretsFile: join(dir, 'secrets.env'),
    stateFile: join(dir, 'notify.json'),
    project: 'shop',
    version: '0.0.0-test',
    log: (m) => lines.push(m),
    backoffMs: 5,
    outbox: store.outbox,
    events: store.events,
    cursor: { get: () => (store.meta.get('notify.seq') === undefined ? undefined : Number(store.meta.get('notify.seq'))), set: (s) => store.meta.set('notify.seq', String(s)) },
    ...o,
  });
  made.push(n);
  return { n, lines };
}

const bodyOf = (r: { body: string }) => WebhookPayload.parse(JSON.parse(r.body));

describe('the notification outbox', () => {
  it('a channel down for a round keeps the notice, holds new ones, and sends both later under the first delivery id', async () => {
    let up = false;
    const hook = await receiver(() => (up ? { status: 204 } : { status: 503, body: 'down' }));
    let clock = new Date('2026-12-03T12:00:00Z');
    const { n, lines } = notifier(hook.url, { now: () => clock, roundMs: 60_000 });
    n.onEvent(failed('a/E01'));
    await hook.waitFor(2);
    await n.settled();
    expect(store.outbox.list('webhook', 'queued')).toMatchObject([{ attempts: 1, lastError: 'HTTP 503: down (after 2 attempts)' }]);
    expect(lines.join('\n')).toContain('"a/E01 failed" kept; next attempt 2026-12-03T12:01:00.000Z');
    // While it is down, new notices wait for a digest instead of hammering the endpoint.
    n.onEvent(failed('a/E02'));
    n.onEvent(failed('a/E03'));
    n.tick();
    await n.settled();
    expect(hook.received).toHaveLength(2);
    expect(n.health()['webhook']).toMatchObject({ waiting: 1, held: 2, failed: 1, sent: 0 });
    // A minute later it is up again: the kept notice first, with the delivery id of its first attempt, then the digest.
    up = true;
    clock = new Date('2026-12-03T12:01:00Z');
    n.tick();
    const got = await hook.waitFor(4);
    await n.settled();
    expect(got[2]?.headers['x-orch-delivery']).toBe(got[0]?.headers['x-orch-delivery']);
    expect(bodyOf(got[2] ?? { body: '' })).toMatchObject({ kind: 'task.failed', taskId: 'a/E01' });
    const digest = bodyOf(got[3] ?? { body: '' });
    expect(digest).toMatchObject({ kind: 'digest', title: '2 notifications held while the channel was failing' });
    expect(digest.items.map((i) => i.taskId)).toEqual(['a/E02', 'a/E03']);
    expect(store.outbox.list('webhook', 'queued')).toEqual([]);
    expect(store.outbox.list('webhook', 'held')).toEqual([]);
    expect(n.health()['webhook']).toMatchObject({ waiting: 0, held: 0, sent: 2 });
  });

  it('a notifier that went away mid-delivery (a killed daemon) leaves it in the store; the next one sends it, once', async () => {
    const seen: string[] = [];
    let hang = true;
    const stuck: ServerResponse[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(String(req.headers['x-orch-delivery']));
      req.resume();
      if (hang) stuck.push(res);
      else res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const first = notifier(url);
      first.n.onEvent(failed('a/E01'));
      first.n.onEvent(failed('a/E02'));
      await expectSoon(() => seen.length === 1);
      // The daemon dies here: the first notice is on the wire, the second waits behind it; neither is delivered.
      first.n.stop();
      expect(store.outbox.list('webhook', 'queued')).toHaveLength(2);
      hang = false;
      const second = notifier(url);
      second.n.start();
      await expectSoon(() => seen.length === 3);
      await second.n.settled();
      expect(seen[1]).toBe(seen[0]);
      expect(new Set(seen).size).toBe(2);
      expect(store.outbox.list('webhook', 'queued')).toEqual([]);
    } finally {
      for (const r of stuck) r.destroy();
      server.closeAllConnections();
      server.close();
    }
  });

  it('replay: events stored while nothing notified are notified once; a first start does not notify history', async () => {
    const hook = await receiver();
    failed('old/E01');
    const first = notifier(hook.url);
    first.n.replay();
    first.n.onEvent(failed('a/E01'));
    await hook.waitFor(1);
    await first.n.settled();
    // Stored but never offered (the daemon died between them, or before its notifier existed).
    failed('a/E02');
    failed('a/E03');
    const second = notifier(hook.url);
    second.n.replay();
    second.n.replay();
    const got = await hook.waitFor(3);
    await second.n.settled();
    expect(hook.received).toHaveLength(3);
    expect(got.map((g) => bodyOf(g).taskId)).toEqual(['a/E01', 'a/E02', 'a/E03']);
  });
});

async function expectSoon(fn: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}
