import type { IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../store/index.js';
import { browserRequestProblem, createSessions, SESSION_MS } from './session.js';

const withCookie = (cookie: string): IncomingMessage => ({ headers: { cookie } }) as IncomingMessage;

describe('browser sessions', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('outlive the daemon that made them (kept hashed in the store), until they expire or log out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-sessions-'));
    dirs.push(dir);
    let now = 1_000_000;
    const first = createStore(join(dir, 'orch.db'));
    const a = createSessions({ port: () => 4100, now: () => now, keep: first.webSessions });
    const id = a.exchange(a.newLoginToken()) ?? '';
    expect(id).not.toBe('');
    expect(a.exchange('made-up')).toBeUndefined();
    const stored = first.db.prepare('SELECT hash FROM web_sessions').all() as Array<{ hash: string }>;
    expect(stored).toHaveLength(1);
    expect(stored[0]?.hash).not.toContain(id);
    first.close();

    // A restarted daemon: a new store handle, a new sessions object, the same cookie.
    const second = createStore(join(dir, 'orch.db'));
    const b = createSessions({ port: () => 4100, now: () => now, keep: second.webSessions });
    expect(b.valid(withCookie(`orch_4100=${id}`))).toBe(true);
    expect(b.valid(withCookie(`orch_4101=${id}`))).toBe(false);
    expect(b.valid(withCookie(`orch_4100=${id}x`))).toBe(false);
    now += SESSION_MS + 1;
    expect(b.valid(withCookie(`orch_4100=${id}`))).toBe(false);

    const c = createSessions({ port: () => 4100, now: () => now, keep: second.webSessions });
    const other = c.exchange(c.newLoginToken()) ?? '';
    expect(c.valid(withCookie(`orch_4100=${other}`))).toBe(true);
    c.end(withCookie(`orch_4100=${other}`));
    expect(c.valid(withCookie(`orch_4100=${other}`))).toBe(false);
    second.close();
  });

  it('over TLS: the cookie is Secure and the page\'s Origin is https', () => {
    const sessions = createSessions({ port: () => 4000 });
    expect(sessions.setCookie('abc', true)).toMatch(/; HttpOnly; SameSite=Strict; .*; Secure$/);
    expect(sessions.setCookie('abc')).not.toContain('Secure');
    const hosts = new Set(['box:4001']);
    const post = (origin: string, encrypted: boolean): IncomingMessage =>
      ({ method: 'POST', headers: { host: 'box:4001', origin }, socket: { encrypted } }) as unknown as IncomingMessage;
    expect(browserRequestProblem(post('https://box:4001', true), hosts)).toBeUndefined();
    expect(browserRequestProblem(post('http://box:4001', true), hosts)).toMatch(/Origin/);
    expect(browserRequestProblem(post('http://box:4001', false), hosts)).toBeUndefined();
    expect(browserRequestProblem(post('https://box:4001', false), hosts)).toMatch(/Origin/);
  });
});
