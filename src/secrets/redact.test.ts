import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../store/index.js';
import { cliCredentialValues } from './cli-credentials.js';
import { createRedactor, redactJson, REDACTED } from './redact.js';

// A token with every character JSON escapes or URL-encodes, and one a Go or Python serialiser writes as \uXXXX.
const TOKEN = 'tok"en\\with/odd&<chars>+é=%\tend';
const PLAIN = 'k3yW1thN0th1ngOdd';

const redact = createRedactor([TOKEN, PLAIN]);
const leaks = (text: string): boolean => text.includes('k3yW1thN0th') || text.includes('with/odd') || text.includes('with\\/odd') || text.includes('odd\\u0026');

describe('a secret is blanked in every form it takes on the way into a log', () => {
  it.each([
    ['as it is', (s: string) => `token ${s} end`],
    ['inside a JSON string', (s: string) => JSON.stringify({ type: 'tool_result', output: `export GH=${s}\n` })],
    ['inside JSON inside a JSON string (a tool printed JSON)', (s: string) => JSON.stringify({ type: 'item', text: JSON.stringify({ env: { GH: s } }) })],
    ['JSON-escaped with \\u for non-ASCII (Python ensure_ascii)', (s: string) => `{"t": "${JSON.stringify(s).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"}`],
    ['JSON-escaped with \\u0026 and \\u003c (Go)', (s: string) => `{"t":"${JSON.stringify(s).slice(1, -1).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"}`],
    ['URL-encoded in a query string', (s: string) => `GET https://api.example/x?token=${encodeURIComponent(s)}&y=1`],
    ['URL-encoded with lower-case escapes', (s: string) => `body: token=${encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`],
    ['base64 in a Basic auth header', (s: string) => `Authorization: Basic ${Buffer.from(`x-access-token:${s}`).toString('base64')}`],
    ['base64 at another alignment', (s: string) => `blob ${Buffer.from(`ab${s}cd`).toString('base64')}`],
    ['URL-safe base64', (s: string) => `jwt.${Buffer.from(`a${s}`).toString('base64url')}.sig`],
  ])('%s', (_name, wrap) => {
    for (const secret of [TOKEN, PLAIN]) {
      const out = redact(wrap(secret));
      expect(out).toContain(REDACTED);
      expect(leaks(out)).toBe(false);
      expect(out.length).toBeLessThan(wrap(secret).length + REDACTED.length * 2);
    }
  });

  it('a URL with a password is blanked when a serialiser escaped its slashes', () => {
    expect(createRedactor()('{"remote":"https:\\/\\/bob:hunter2hunter2@git.example\\/x.git"}')).toBe('{"remote":"https:\\/\\/bob:[redacted]@git.example\\/x.git"}');
  });

  it('a run log chunk (bytes) with the JSON-escaped token is blanked too', () => {
    const line = Buffer.from(`${JSON.stringify({ type: 'text', text: `the key is ${TOKEN}` })}\n`);
    const out = redact.buffer(line).toString();
    expect(out).toContain(REDACTED);
    expect(leaks(out)).toBe(false);
  });

  it('leaves ordinary text alone, and short values are not secrets', () => {
    const r = createRedactor(['true', 'abcdefgh12345678']);
    const text = JSON.stringify({ ok: true, text: 'nothing to see, Basic YWJj' });
    expect(r(text)).toBe(text);
    expect(r.buffer(Buffer.from(text)).toString()).toBe(text);
  });

  it('redactJson always gives valid JSON, even when a blank would cut an escape in half', () => {
    const r = createRedactor(['nSECRETvalue1']);
    const data = { text: 'line\nSECRETvalue1 and SECRETvalue1' };
    const json = JSON.stringify({ ...data, other: 'x\\nSECRETvalue1' });
    const out = redactJson(json, JSON.parse(json) as Record<string, string>, r);
    expect(JSON.parse(out.text)).toEqual(out.value);
    expect(out.value).toEqual({ ...data, other: 'x\\[redacted]' });
  });
});

describe('the store keeps events redacted whatever the secret holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orch-redact-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an event carrying the token (JSON-escaped in the stored text) is stored and returned blanked', () => {
    const store = createStore(join(dir, 'orch.db'), { redact });
    const event = store.events.append('task.status', 'm/E01', null, { status: 'failed', error: `token=${TOKEN}`, note: JSON.stringify({ t: TOKEN }) });
    const stored = JSON.stringify(store.events.since(0));
    expect(stored).toContain(REDACTED);
    expect(leaks(stored)).toBe(false);
    expect(leaks(JSON.stringify(event))).toBe(false);
    store.close();
  });
});

describe("the agent CLIs' credential files", () => {
  it('give every token and key they hold to the redactor; JWTs and Google tokens are blanked by shape', () => {
    const home = mkdtempSync(join(tmpdir(), 'orch-cred-'));
    try {
      mkdirSync(join(home, '.codex'));
      const jwt = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.${'s'.repeat(40)}`;
      writeFileSync(join(home, '.codex', 'auth.json'), JSON.stringify({ OPENAI_API_KEY: null, tokens: { id_token: jwt, access_token: 'opaque-access-0123456789abcdef', refresh_token: 'rt_opaque_refresh_0123456789', account_id: 'acct-0123456789abcdef' }, last_refresh: '2026-12-01T00:00:00Z' }));
      const claudeDir = join(home, 'claude-cfg');
      mkdirSync(claudeDir);
      writeFileSync(join(claudeDir, '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: 'opaque-claude-access-0123456789', refreshToken: 'opaque-claude-refresh-0123456789', expiresAt: 1, scopes: ['user:inference'] } }));
      mkdirSync(join(home, '.gemini'));
      writeFileSync(join(home, '.gemini', 'oauth_creds.json'), '{"access_token": "ya29.a0AfH6SMBx0123456789abcdefghij", "refresh_token": "1//0gopaque-gemini-refresh-0123", "token_type": "Bearer"}');
      const values = cliCredentialValues({ HOME: home, CLAUDE_CONFIG_DIR: claudeDir });
      expect(values.sort()).toEqual(
        [jwt, 'opaque-access-0123456789abcdef', 'rt_opaque_refresh_0123456789', 'acct-0123456789abcdef', 'opaque-claude-access-0123456789', 'opaque-claude-refresh-0123456789', 'ya29.a0AfH6SMBx0123456789abcdefghij', '1//0gopaque-gemini-refresh-0123'].sort(),
      );
      const redact = createRedactor(values);
      expect(redact(`cat auth.json: ${values.join(' ')} done`)).toBe(`cat auth.json: ${values.map(() => '[redacted]').join(' ')} done`);
      // Refreshed during a run (a value Orch never read): the shapes.
      const fresh = createRedactor([]);
      expect(fresh(`Bearer ${jwt} and ya29.b0fresh0123456789abcdefghij`)).toBe('Bearer [redacted] and [redacted]');
      expect(cliCredentialValues({ HOME: join(home, 'nobody') })).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
