import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { liveDaemon, statusOf, type LiveDaemon } from './live-daemon.js';

/**
 * No request of any shape ends the daemon: raw request lines, headers, paths and bodies, from fast-check and
 * from the known killers, sent over TCP to a live daemon. A malformed request gets 4xx, never 5xx and never silence.
 */
let d: LiveDaemon;
beforeAll(() => {
  d = liveDaemon();
});
afterAll(() => d?.sb.cleanup());

const host = (): string => `127.0.0.1:${d.port}`;
const auth = (): string => `authorization: Bearer ${d.token}\r\n`;
const request = (line: string, headers = '', body = ''): string =>
  `${line}\r\nhost: ${host()}\r\n${headers}connection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

async function expectHealthy(): Promise<void> {
  expect(d.alive()).toBe(true);
  expect(statusOf(await d.raw(request('GET /api/health HTTP/1.1')))).toBe(200);
}

describe('the HTTP layer against a live daemon', () => {
  it('survives the requests that used to end it', async () => {
    const killers = [
      'GET http://[ HTTP/1.1\r\nhost: x\r\n\r\n',
      `GET http://[ HTTP/1.1\r\nhost: ${host()}\r\nconnection: close\r\n\r\n`,
      request('GET /api/runs/%ZZ HTTP/1.1', auth()),
      request('GET /api/runs/%E0%A4%A/log HTTP/1.1', auth()),
      request('GET /api/runs/%ZZ/signals/%ZZ HTTP/1.1', auth()),
      request('POST /api/questions/%ZZ/answer HTTP/1.1', `${auth()}content-type: application/json\r\n`, '{"answer":"x"}'),
      request('GET * HTTP/1.1'),
      request('GET //evil.example/api/status HTTP/1.1', auth()),
      request('GET /\\evil.example/api/status HTTP/1.1', auth()),
      'GET / HTTP/1.1\r\nhost: [\r\n\r\n',
      '\x00\x01\x02\r\n\r\n',
      'GET /api/health HTTP/9.9\r\n\r\n',
      request('GET /% HTTP/1.1'),
      request('GET /assets/%E0%A4%A HTTP/1.1'),
      request('GET /login?t=%ZZ HTTP/1.1'),
    ];
    for (const k of killers) {
      const answer = await d.raw(k);
      const status = statusOf(answer);
      expect(status, `answer to ${JSON.stringify(k)}: ${answer.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      await expectHealthy();
    }
  });

  it('answers a body of the wrong shape with 400 on every POST route', async () => {
    const routes = ['/api/sync', '/api/start', '/api/maintain', '/api/stop', '/api/pause', '/api/resume', '/api/reviews/merge', '/api/runs/r1/signals', '/api/questions/q1/answer', '/api/budget/raise', '/api/login-link', '/api/projects/open', '/api/shutdown'];
    const shapes = ['[]', '"x"', '42', 'null', '{"tasks":"all"}', '{"tasks":[1,2]}', '{"task":{}}', '{"kind":7}', '{"answer":""}', '{"unexpected":true}', '{'];
    for (const r of routes) {
      for (const body of shapes) {
        const answer = await d.raw(request(`POST ${r} HTTP/1.1`, `${auth()}content-type: application/json\r\n`, body));
        const status = statusOf(answer);
        expect(status !== undefined && status >= 400, `POST ${r} ${body}: ${answer.slice(0, 300)}`).toBe(true);
        expect(status, `POST ${r} ${body}: ${answer.slice(0, 300)}`).toBeLessThan(500);
      }
    }
    await expectHealthy();
  });

  it('fuzzed request lines, headers, paths and bodies never end it or get a 5xx', async () => {
    const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'G\x00T', '');
    const segment = fc.oneof(
      fc.constantFrom('api', 'runs', 'login', 'logout', 'assets', 'index.html', 'projects', 'history', 'login-link', 'diff', 'page', 'health', 'status', 'signals', 'events', 'tasks', 'task', 'log', 'questions', 'answer', 'batches', 'reviews', 'merge', '%ZZ', '%', '%2F', '%00', '..', '.', '', '?', '#', '[', 'http:'),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    const path = fc.oneof(
      fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join('/')}`),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('http://[', 'http://127.0.0.1/api/status', 'https://[::1]:1/x', '*', '/api/runs/%ZZ', '/api/tasks?status=%ZZ&module=%', '/api/events?since=1e308'),
    );
    const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/1.1 extra', '');
    const headerName = fc.oneof(fc.constantFrom('host', 'origin', 'authorization', 'content-type', 'content-length', 'transfer-encoding', 'sec-fetch-site', 'last-event-id', 'expect'), fc.string({ maxLength: 10 }));
    const headerValue = fc.oneof(
      fc.constantFrom('', 'null', 'application/json', 'chunked', '-1', '99999999999', '100-continue', 'Bearer ', 'http://evil.example', 'cross-site', '[', 'localhost'),
      fc.string({ maxLength: 30 }),
    );
    const headers = fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 });
    const json = fc.oneof(fc.json({ depthSize: 'small' }), fc.string({ maxLength: 50 }), fc.constantFrom('{"tasks":[]}', '{"kind":"question","text":"x"}', '{"answer":"a","by":"x"}'));
    const withToken = fc.boolean();
    await fc.assert(
      fc.asyncProperty(methods, path, version, headers, json, withToken, async (m, p, v, hs, body, tok) => {
        // Never fuzz the one route that is meant to stop it.
        if (/shutdown/i.test(p)) return;
        const lines = [`${m} ${p} ${v}`.trimEnd(), `host: ${host()}`, ...(tok ? [`authorization: Bearer ${d.token}`] : []), ...hs.map(([k, val]) => `${k}: ${val}`), 'connection: close'];
        const text = `${lines.join('\r\n')}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
        const answer = await d.raw(text, 2000);
        const status = statusOf(answer);
        if (status !== undefined) expect(status, `${JSON.stringify(text)} -> ${answer.slice(0, 300)}`).toBeLessThan(500);
        expect(d.alive(), `daemon died after ${JSON.stringify(text)}`).toBe(true);
      }),
      { numRuns: Number(process.env.ORCH_FUZZ_RUNS ?? 400) },
    );
    await expectHealthy();
    expect(d.daemonLog()).not.toMatch(/request failed/);
  });
});
