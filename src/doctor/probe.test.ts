import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { probeEndpoint } from './probe.js';

describe("probing an agent's model endpoint", () => {
  it('says a port fetch refuses is one, not "bad port"', async () => {
    const got = await probeEndpoint('claude', { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' }, 2000);
    expect(got?.outcome).toBe('unreachable');
    expect(got?.detail).toContain('port 9 is one that fetch refuses to use');
    expect(got?.detail).toContain('another port');
  });

  it('a closed port is unreachable with its reason; a server that answers 401 wants credentials', async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 401;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const asked = await probeEndpoint('claude', { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }, 2000);
      expect(asked?.outcome).toBe('no-credentials');
    } finally {
      await new Promise((r) => server.close(r));
    }
    const closed = await probeEndpoint('claude', { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }, 2000);
    expect(closed?.outcome).toBe('unreachable');
    expect(closed?.detail).toBe('does not answer: ECONNREFUSED');
  });
});
