import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from './auth.js';
import { z } from 'zod';
import { createRouter } from './http.js';
import { allowedHosts } from './guard.js';

describe('createAuth', () => {
  const auth = createAuth({ adminToken: 'admin-token', adminName: 'alice' });

  it('knows the admin and each run by its token', () => {
    expect(auth.authenticate('admin-token')).toEqual({ kind: 'admin', name: 'alice' });
    expect(auth.authenticate(auth.runToken('r-1'))).toEqual({ kind: 'run', runId: 'r-1' });
    expect(auth.authenticate(auth.runToken('a.b.c'))).toEqual({ kind: 'run', runId: 'a.b.c' });
  });

  it('refuses forged, other-daemon and empty tokens', () => {
    const token = auth.runToken('r-1');
    expect(auth.authenticate(token.replace('r-1', 'r-2'))).toBeUndefined();
    expect(auth.authenticate(`${token}x`)).toBeUndefined();
    expect(auth.authenticate('run..')).toBeUndefined();
    expect(auth.authenticate('run.r-1')).toBeUndefined();
    expect(createAuth().authenticate(token)).toBeUndefined();
    expect(auth.authenticate('')).toBeUndefined();
    expect(auth.authenticate(undefined)).toBeUndefined();
    expect(auth.authenticate('admin-tokeN')).toBeUndefined();
  });
});

describe('the router with principals', () => {
  const auth = createAuth({ adminToken: 'admin-token', adminName: 'alice' });
  let server: Server;
  let base: string;
  beforeAll(async () => {
    let port = 0;
    const router = createRouter({ auth, hosts: () => allowedHosts('127.0.0.1', port), onError: () => undefined });
    router.get('/api/health', async (_q, _r, { principal }) => ({ kind: principal.kind }), { open: true });
    router.post('/api/runs/:id/signals', z.looseObject({}), async (_q, _r, { params, principal }) => ({ run: params.id, by: principal.kind }), { runParam: 'id' });
    router.post('/api/reviews/merge', z.looseObject({}), async (_q, _r, { principal }) => ({ by: principal.kind === 'admin' ? principal.name : '?' }));
    server = await router.listen('127.0.0.1', 0);
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('lets a run signal for itself only', async () => {
    expect(await call('POST', '/api/runs/r-1/signals', auth.runToken('r-1'), {})).toEqual({ status: 200, body: { run: 'r-1', by: 'run' } });
    const other = await call('POST', '/api/runs/r-2/signals', auth.runToken('r-1'), {});
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).toContain('may not act for run r-2');
  });

  it('keeps admin routes from a run token, and takes who approved from the token, not the body', async () => {
    const denied = await call('POST', '/api/reviews/merge', auth.runToken('r-1'), { task: 'a/E01', by: 'alice' });
    expect(denied.status).toBe(403);
    expect(await call('POST', '/api/reviews/merge', 'admin-token', { task: 'a/E01', by: 'mallory' })).toEqual({ status: 200, body: { by: 'alice' } });
    expect((await call('POST', '/api/reviews/merge')).status).toBe(401);
  });

  it('serves open routes without a token', async () => {
    expect(await call('GET', '/api/health')).toEqual({ status: 200, body: { kind: 'anonymous' } });
    expect(await call('GET', '/api/health', 'admin-token')).toEqual({ status: 200, body: { kind: 'admin' } });
  });
});
