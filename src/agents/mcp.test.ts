import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEnvFileArg } from '../mcp/env.js';
import { buildCodexArgs } from './codex/backend.js';
import { buildGeminiArgs } from './gemini/backend.js';
import { geminiMcpHome } from './gemini/mcp.js';
import { buildGooseArgs } from './goose/backend.js';
import { stdioLaunch, type McpSpec } from './mcp.js';
import { openCodeConfigContent } from './opencode/backend.js';

const root = mkdtempSync(join(tmpdir(), 'orch-mcp-launch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TOKEN = 'secret-daemon-token';
const spec = (name: string): McpSpec => ({
  command: '/usr/bin/node', args: ['/opt/orch/dist/src/mcp/main.js'], tools: [],
  env: { ORCH_DAEMON_URL: 'http://127.0.0.1:9', ORCH_DAEMON_TOKEN: TOKEN, ORCH_RUN_ID: 'r1' },
  configDir: join(root, name, 'runs', 'r1'),
});

describe('stdioLaunch', () => {
  it('writes the variables and the worktree to a 0600 file in a 0700 dir, and the server reads them back', () => {
    const mcp = spec('launch');
    const launch = stdioLaunch(mcp, 'codex', '/w/tree');
    expect(launch.command).toBe('/usr/bin/node');
    expect(launch.args.slice(0, 2)).toEqual(['/opt/orch/dist/src/mcp/main.js', '--env-file']);
    const file = launch.args[2] ?? '';
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(mcp.configDir).mode & 0o777).toBe(0o700);
    expect(readEnvFileArg(launch.args)).toEqual({ ok: true, value: { ORCH_CWD: '/w/tree', ...mcp.env } });
    expect(launch.args.join(' ')).not.toContain(TOKEN);
  });

  it('the server reports a missing or malformed env file with what to do', () => {
    expect(readEnvFileArg(['--env-file'])).toMatchObject({ ok: false, error: expect.stringContaining('needs a file path') });
    const bad = join(root, 'bad.json');
    writeFileSync(bad, '{"A": 1}');
    expect(readEnvFileArg(['--env-file', bad])).toMatchObject({ ok: false, error: expect.stringContaining('expected an object of string values') });
    expect(readEnvFileArg([])).toEqual({ ok: true, value: {} });
  });
});

describe('Orch MCP server per CLI: nothing secret on the command line', () => {
  it('codex: -c mcp_servers.orch.* before the prompt, tools approved, also on resume', () => {
    const args = buildCodexArgs({}, { prompt: 'p', cwd: '/w', mcp: spec('codex') });
    const i = args.indexOf('--');
    expect(args.slice(i)).toEqual(['--', '-']);
    expect(args).toContain('--config=mcp_servers.orch.command="/usr/bin/node"');
    expect(args.find((a) => a.startsWith('--config=mcp_servers.orch.args='))).toMatch(/^--config=mcp_servers\.orch\.args=\["\/opt\/orch\/dist\/src\/mcp\/main\.js","--env-file","[^"]+codex-mcp-env\.json"\]$/);
    expect(args).toContain('--config=mcp_servers.orch.default_tools_approval_mode="approve"');
    const resumed = buildCodexArgs({}, { prompt: 'p', cwd: '/w', resumeSessionId: 't1', mcp: spec('codex') });
    expect(resumed.slice(0, 2)).toEqual(['exec', 'resume']);
    expect(resumed).toContain('--config=mcp_servers.orch.command="/usr/bin/node"');
    expect([...args, ...resumed].join(' ')).not.toContain(TOKEN);
  });

  it('gemini: a per-run home whose settings add only orch, linking the rest of the user\'s .gemini', () => {
    const userHome = join(root, 'gemini-user');
    mkdirSync(join(userHome, '.gemini'), { recursive: true });
    writeFileSync(join(userHome, '.gemini', 'settings.json'), '// mine\n{"security":{"auth":{"selectedType":"gemini-api-key"}},"mcpServers":{"other":{"command":"x"}}}\n');
    writeFileSync(join(userHome, '.gemini', 'oauth_creds.json'), '{}');
    const mcp = spec('gemini');
    const home = geminiMcpHome(mcp, userHome, '/w/tree');
    const settingsFile = join(home, '.gemini', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    expect(settings.security).toEqual({ auth: { selectedType: 'gemini-api-key' } });
    expect(Object.keys(settings.mcpServers as object)).toEqual(['orch']);
    expect((settings.mcpServers as Record<string, unknown>).orch).toMatchObject({ command: '/usr/bin/node', cwd: '/w/tree', trust: true });
    expect(statSync(settingsFile).mode & 0o777).toBe(0o600);
    expect(readlinkSync(join(home, '.gemini', 'oauth_creds.json'))).toBe(join(userHome, '.gemini', 'oauth_creds.json'));
    expect(lstatSync(join(home, '.gemini', 'tmp')).isSymbolicLink()).toBe(true);
    // A resumed run prepares the same home again.
    expect(geminiMcpHome(mcp, userHome, '/w/tree')).toBe(home);
    const args = buildGeminiArgs({ disallowedTools: ['Bash(git push:*)', 'Bash(git rebase:*)', 'Edit'] }, { prompt: 'p', mcp });
    expect(args).toContain('--allowed-mcp-server-names=orch');
    const policy = readFileSync(args.find((a) => a.startsWith('--policy='))?.slice('--policy='.length) ?? '', 'utf8');
    expect(policy).toContain('commandPrefix = ["git push", "git rebase"]');
    expect(policy).toContain('decision = "deny"');
  });

  it('opencode: a local server merged into OPENCODE_CONFIG_CONTENT, keeping the provider config', () => {
    const inherited = JSON.stringify({ provider: { sim: { npm: '@ai-sdk/openai-compatible' } }, mcp: { mine: { type: 'remote', url: 'http://x' } } });
    const content = openCodeConfigContent({}, { cwd: '/w', env: { OPENCODE_CONFIG_CONTENT: inherited }, mcp: spec('opencode') });
    const config = JSON.parse(content) as { provider: unknown; mcp: Record<string, { type: string; command: string[] }> };
    expect(config.provider).toEqual({ sim: { npm: '@ai-sdk/openai-compatible' } });
    expect(Object.keys(config.mcp)).toEqual(['mine', 'orch']);
    expect(config.mcp.orch?.type).toBe('local');
    expect(config.mcp.orch?.command.slice(0, 3)).toEqual(['/usr/bin/node', '/opt/orch/dist/src/mcp/main.js', '--env-file']);
    expect(content).not.toContain(TOKEN);
    expect(JSON.parse(openCodeConfigContent({}, { cwd: '/w', env: {} })).mcp).toBeUndefined();
  });

  it('goose: --with-extension "orch:<command>" with words containing spaces quoted', () => {
    const mcp = { ...spec('goose'), args: ['/opt/my orch/main.js'] };
    const args = buildGooseArgs({}, { runId: 'r1', prompt: 'p', cwd: '/w', mcp });
    const ext = args.find((a) => a.startsWith('--with-extension='))?.slice('--with-extension='.length) ?? '';
    expect(ext).toMatch(/^orch:\/usr\/bin\/node "\/opt\/my orch\/main\.js" --env-file \S+goose-mcp-env\.json$/);
    expect(ext).not.toContain(TOKEN);
  });
});
