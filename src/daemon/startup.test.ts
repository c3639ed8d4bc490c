import { describe, expect, it } from 'vitest';
import { staticLoads } from '../../test/static-imports.js';

describe('daemon start-up', () => {
  it('loads neither the MCP SDK (only the per-run MCP server does) nor Octokit (only a GitHub project does)', () => {
    const { packages } = staticLoads('daemon/main.ts');
    expect(packages).not.toContain('@modelcontextprotocol/sdk');
    expect(packages).not.toContain('@octokit/rest');
    expect(packages).toContain('better-sqlite3');
  });
});
