import { describe, expect, it } from 'vitest';
import { staticLoads } from '../../test/static-imports.js';

describe('daemon start-up', () => {
  it('does not load the MCP SDK (only the per-run MCP server does)', () => {
    const { packages } = staticLoads('daemon/main.ts');
    expect(packages).not.toContain('@modelcontextprotocol/sdk');
    // Octokit is loaded again by the GitHub issues source (daemon/sources.ts); it could be loaded on use too.
    expect(packages).toContain('better-sqlite3');
  });
});
