import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDaemon, statusOf, type LiveDaemon } from './live-daemon.js';

/** DNS rebinding, cross-site requests and token leaks: what reaches the daemon's API without being the user. */
let d: LiveDaemon;
beforeAll(() => {
  d = liveDaemon();
});
afterAll(() => d?.sb.cleanup());

const send = (line: string, headers: Record<string, string>, body = ''): Promise<string> => {
  const h = Object.entries({ connection: 'close', 'content-length': String(Buffer.byteLength(body)), ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return d.raw(`${line}\r\n${h}\r\n${body}`);
};
const bodyOf = (answer: string): string => answer.slice(answer.indexOf('\r\n\r\n') + 4);

describe('who the daemon answers', () => {
  it('answers only to its own Host names (DNS rebinding gets 421)', async () => {
    const auth = { authorization: `Bearer ${d.token}` };
    for (const host of [`127.0.0.1:${d.port}`, `localhost:${d.port}`, `[::1]:${d.port}`, `LOCALHOST:${d.port}`]) {
      expect(statusOf(await send('GET /api/status HTTP/1.1', { host, ...auth })), host).toBe(200);
    }
    for (const host of [`evil.example:${d.port}`, 'evil.example', `127.0.0.1:${d.port + 1}`, `localhost.evil.example:${d.port}`, '']) {
      const a = await send('GET /api/status HTTP/1.1', { host, ...auth });
      expect([400, 421], `${host}: ${a.slice(0, 200)}`).toContain(statusOf(a));
    }
  });

  it('refuses state-changing requests from another origin, even with the token', async () => {
    const base = { host: `127.0.0.1:${d.port}`, authorization: `Bearer ${d.token}`, 'content-type': 'application/json' };
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1.evil.example:${d.port}`, 'file://']) {
      const a = await send('POST /api/pause HTTP/1.1', { ...base, origin }, '{}');
      expect(statusOf(a), origin).toBe(403);
    }
    expect(statusOf(await send('POST /api/pause HTTP/1.1', { ...base, 'sec-fetch-site': 'cross-site' }, '{}'))).toBe(403);
    // A form post cannot smuggle JSON as text/plain.
    expect(statusOf(await send('POST /api/resume HTTP/1.1', { ...base, 'content-type': 'text/plain' }, '{}'))).toBe(415);
    expect(statusOf(await send('POST /api/resume HTTP/1.1', { ...base, origin: `http://localhost:${d.port}` }, '{}'))).toBe(200);
  });

  it('says only "alive" on /api/health without the token', async () => {
    const anon = await send('GET /api/health HTTP/1.0', { host: `127.0.0.1:${d.port}` });
    expect(statusOf(anon)).toBe(200);
    expect(JSON.parse(bodyOf(anon))).toEqual({ ok: true });
    expect(anon).not.toContain(String(d.pid));
    expect(anon).not.toContain(d.sb.repo);
    const authed = await send('GET /api/health HTTP/1.0', { host: `127.0.0.1:${d.port}`, authorization: `Bearer ${d.token}` });
    expect(JSON.parse(bodyOf(authed))).toMatchObject({ ok: true, pid: d.pid });
  });

  it('takes the token from the Authorization header only, never from the URL', async () => {
    const a = await send(`GET /api/status?token=${d.token} HTTP/1.1`, { host: `127.0.0.1:${d.port}` });
    expect(statusOf(a)).toBe(401);
    expect(statusOf(await send('GET /api/status HTTP/1.1', { host: `127.0.0.1:${d.port}`, authorization: `Bearer ${d.token}x` }))).toBe(401);
  });
});
