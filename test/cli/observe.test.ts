import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { installOrch, sh } from './cli.js';

// Issue 16: what a person sees while an endpoint misbehaves (logs, status, doctor) and while `start --wait` runs
// on a terminal. The built CLI as a process, in a temporary repository and HOME.
let sb: Sandbox | undefined;
let server: Server | undefined;
afterEach(async () => {
  sb?.cleanup();
  sb = undefined;
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A model endpoint on 127.0.0.1 that answers GET /v1/models with `status`; returns its base URL. */
async function endpoint(status: number): Promise<string> {
  server = createServer((req, res) => {
    res.writeHead(req.url === '/v1/models' ? status : 404, { 'content-type': 'application/json' });
    res.end(status === 200 ? '{"data":[]}' : '{"type":"error","error":{"type":"authentication_error"}}');
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('an endpoint the agent cannot reach', () => {
  it('orch logs prints api_retry with attempt/max/delay; orch status says "retrying API: ... (n/m)"', async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'First. [[fake:apiretry=3]]', { 'src/a.txt': 'a' }) });
    const s = sb;
    expect(s.orch('start', 'core/E01').status).toBe(0);
    const status = await until(() => {
      const r = s.orch('status');
      return r.stdout.includes('(3/10)') ? r : undefined;
    }, 'orch status to show the third API retry', 30_000);
    expect(status.stdout).toMatch(/core\/E01\s+running\s.*retrying API: connection refused \(3\/10\), next try in 4 s/);
    const logs = s.orch('logs', 'core/E01');
    expect(logs.status).toBe(0);
    for (const n of [1, 2, 3]) expect(logs.stdout).toContain(`retrying API: connection refused (${n}/10), next try in 4 s`);
    expect(logs.stdout).not.toContain('system api_retry');
    expect(s.orch('stop', 'core/E01').status).toBe(0);
  });

  it('retries do not multiply: a CLI that retried an endpoint that never answered is not run again by Orch', async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'First. [[fake:apiretry-fail=10]]', { 'src/a.txt': 'a' }) });
    installOrch(sb);
    const r = await sh(sb, 'orch start --wait && echo deployed');
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).not.toContain('deployed');
    expect(r.stdout).toContain("the model API did not answer after the agent CLI's own 10 retries");
    expect(r.stdout).toContain('`orch doctor` checks the endpoint');
    // One agent process for the whole task: Orch's own retries did not multiply the CLI's ten.
    const calls = readFileSync(sb.agentLog, 'utf8').trim().split('\n').filter((l) => l.includes('First.'));
    expect(calls).toHaveLength(1);
  });
});

describe('orch doctor probes each agent endpoint once', () => {
  const doctor = (s: Sandbox, base: string, key = 'sk-test') => sh(s, `ANTHROPIC_BASE_URL=${base} ANTHROPIC_API_KEY=${key} orch doctor`, { timeoutMs: 40_000 });

  it('a gateway that answers and accepts the credentials', async () => {
    sb = sandbox({});
    installOrch(sb);
    const base = await endpoint(200);
    const r = await doctor(sb, base);
    expect(r.stdout).toContain(`${base}/v1/models answers (HTTP 200), credentials accepted`);
  });

  it('a gateway that refuses the credentials: an error with what to do', async () => {
    sb = sandbox({});
    installOrch(sb);
    const base = await endpoint(401);
    const r = await doctor(sb, base, 'sk-wrong');
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`${base}/v1/models answers, but rejects the credentials (HTTP 401)`);
    expect(r.stdout + r.stderr).toContain('check the API key');
  });

  it('a gateway that does not answer (a typo in the port)', async () => {
    sb = sandbox({});
    installOrch(sb);
    const base = await endpoint(200);
    await new Promise((r) => server?.close(r));
    server = undefined;
    const r = await doctor(sb, base);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`${base.replace(/[.]/g, '\\.')}/v1/models does not answer: ECONNREFUSED`));
    expect(r.stdout + r.stderr).toContain('check the base URL');
  });
});

describe('orch start --wait on a terminal', () => {
  it('keeps a live line per running task (state, elapsed, tokens) under the log, and clears it at the end', async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'Slow. [[fake:slow=4000]]', { 'src/a.txt': 'a' }) });
    installOrch(sb);
    // `script` gives the CLI a pseudo-terminal, as a person's shell does.
    const r = await sh(sb, `COLUMNS=100 script -qfec 'orch start --wait' /dev/null`);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/› core\/E01 {2}(preparing|spawning|running) {2}\d+s {2}[\d,]+ tok/);
    // Redrawn in place: cursor up and clear below, before the next log line and at the end.
    expect(r.stdout).toContain('\u001b[1A\u001b[J');
    expect(r.stdout).toMatch(/merged core\/E01 as [0-9a-f]{7}/);
    const tail = r.stdout.slice(r.stdout.lastIndexOf('all merged'));
    expect(tail).not.toContain('›');
  });
});
