import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/agents/index.js';
import { WebhookPayload } from '../../src/api/index.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';

interface Got {
  delivery: string;
  kind: string;
  taskId: string | null;
}

// O2: a notification on the wire when the daemon is killed -9 is delivered after its restart, under the same
// delivery id (at least once; the receiver can drop the repeat by X-Orch-Delivery).
describe('notifications survive a daemon killed mid-delivery', () => {
  let sb: Sandbox;
  let server: Server;
  let url = '';
  const got: Got[] = [];
  const stuck: ServerResponse[] = [];
  let hang = true;
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = WebhookPayload.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        got.push({ delivery: String(req.headers['x-orch-delivery']), kind: body.kind, taskId: body.taskId });
        // The first delivery never gets an answer: the daemon is killed while it waits for one.
        if (hang) stuck.push(res);
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    sb = sandbox({ 'docs/plans/app-module/epic-01-login.md': epic('Login', 'Password login.', { 'src/auth/login.js': 'export const check = (u, p) => bcrypt.compare(p, u.hash);' }) });
    appendFileSync(join(sb.base, 'config', 'orch', 'config.toml'), `\n[notify]\nretries = 0\ntimeout_seconds = 120\n\n[notify.webhook]\nurl = "${url}"\n`);
  });
  afterAll(async () => {
    sb?.cleanup();
    for (const r of stuck) r.destroy();
    server?.closeAllConnections();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  it('kill -9 while the webhook is being delivered; the restarted daemon delivers it with the same X-Orch-Delivery', { timeout: 180_000 }, async () => {
    const start = await sb.orchAsync('start');
    expect(start.status, start.stdout + start.stderr).toBe(0);
    await until(() => got.find((g) => g.kind === 'task.needs_review'), 'the flagged change to be on the wire', 90_000);
    const first = got.find((g) => g.kind === 'task.needs_review');
    const pid = sb.orchJson<{ daemon: { pid: number } }>('status').daemon.pid;
    process.kill(pid, 'SIGKILL');
    await until(() => !isAlive(pid), 'the daemon to die', 20_000);
    hang = false;
    for (const r of stuck.splice(0)) r.destroy();
    const before = got.length;
    // Any command starts the daemon again.
    const status = sb.orch('status');
    expect(status.status, status.stdout + status.stderr).toBe(0);
    await until(() => got.slice(before).find((g) => g.delivery === first?.delivery), 'the same delivery after the restart', 60_000);
    const again = got.slice(before).filter((g) => g.kind === 'task.needs_review');
    expect(again).toEqual([{ delivery: first?.delivery, kind: 'task.needs_review', taskId: 'app/E01' }]);
    // Nothing stays in the outbox: doctor shows the channel healthy with nothing waiting.
    const doctor = JSON.parse((await sb.orchAsync('doctor', '--json')).stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
    expect(doctor.checks.find((c) => c.name === 'notify webhook')).toMatchObject({ ok: true });
  });
});
