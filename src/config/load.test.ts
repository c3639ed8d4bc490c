import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPaths, type OrchPaths } from '../paths/index.js';
import { ConfigError, defaultConfig, FLAGS_SOURCE, loadConfig, trust, type LoadConfigResult } from './index.js';

let tmp: string;
let paths: OrchPaths;
let root: string;
let userFile: string;
let projectFile: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'orch-config-'));
  root = path.join(tmp, 'repo');
  mkdirSync(root);
  paths = createPaths({ XDG_CONFIG_HOME: path.join(tmp, 'cfg') }, path.join(tmp, 'home'));
  userFile = paths.userConfigFile;
  projectFile = paths.project(root).projectConfigFile;
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a config file; a project file written here is trusted (trust itself is tested in trust.test.ts). */
function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  if (file === projectFile) trust(paths.configDir, file, text);
}

function ok(result: LoadConfigResult) {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error.message}`);
  return result;
}

function fail(result: LoadConfigResult): ConfigError {
  if (result.ok) throw new Error('expected a ConfigError');
  expect(result.error).toBeInstanceOf(ConfigError);
  return result.error;
}

describe('loadConfig', () => {
  it('returns the defaults when there is no config file at all', () => {
    const r = ok(loadConfig({ paths, root }));
    expect(r.config).toEqual(defaultConfig());
    expect(r.warnings).toEqual([]);
    expect(r.sources).toEqual([]);
    expect(r.config.max_parallel_agents).toBe(3);
    expect(r.config.agent.allowed_tools).toContain('Bash');
    expect(r.config.daemon).toEqual({ host: '127.0.0.1', port: 0, idle_minutes: 30, events_kept: 100_000, tls_cert: '', tls_key: '', insecure_remote: false });
  });

  it('merges defaults < user < project < flags, table by table, arrays replaced', () => {
    write(
      userFile,
      `max_parallel_agents = 5
plans_dir = "plans"
[agent]
model = "user-model"
max_turns = 10
allowed_tools = ["Read", "Bash"]
env = { FOO = "user", BAR = "user" }
[daemon]
port = 4000
`,
    );
    write(
      projectFile,
      `max_parallel_agents = 2
[agent]
model = "project-model"
allowed_tools = ["Read"]
[agent.env]
BAR = "project"
`,
    );
    const r = ok(
      loadConfig({ paths, root, flags: { max_parallel_agents: 8, agent: { max_turns: 3, model: undefined }, daemon: { host: undefined } } }),
    );
    expect(r.sources).toEqual([userFile, projectFile, FLAGS_SOURCE]);
    expect(r.config.max_parallel_agents).toBe(8);
    expect(r.config.plans_dir).toBe('plans');
    expect(r.config.agent.model).toBe('project-model');
    expect(r.config.agent.max_turns).toBe(3);
    expect(r.config.agent.allowed_tools).toEqual(['Read']);
    expect(r.config.agent.env).toEqual({ FOO: 'user', BAR: 'project' });
    expect(r.config.agent.timeout_minutes).toBe(60);
    expect(r.config.daemon).toEqual({ host: '127.0.0.1', port: 4000, idle_minutes: 30, events_kept: 100_000, tls_cert: '', tls_key: '', insecure_remote: false });
  });

  it('warns about unknown keys with a suggestion, and still loads', () => {
    write(
      projectFile,
      `# project config
maxParallelAgents = 4

[agent]
modle = "opus"
max_turns = 5
[agnet]
x = 1
[daemon]
wibble = true
`,
    );
    write(userFile, 'max_turns = 7\n');
    const r = ok(loadConfig({ paths, root }));
    expect(r.config.agent.max_turns).toBe(5);
    const byKey = Object.fromEntries(r.warnings.map((w) => [w.key, w]));
    expect(byKey['max_turns']).toMatchObject({ file: userFile, line: 1, suggestion: 'agent.max_turns' });
    expect(byKey['maxParallelAgents']).toMatchObject({ file: projectFile, line: 2, suggestion: 'max_parallel_agents' });
    expect(byKey['agent.modle']).toMatchObject({ line: 5, suggestion: 'agent.model' });
    expect(byKey['agent.modle']?.message).toBe('unknown key "agent.modle" is ignored; did you mean "agent.model"?');
    expect(byKey['agnet']).toMatchObject({ line: 7, suggestion: 'agent' });
    expect(byKey['daemon.wibble']?.suggestion).toBeUndefined();
    expect(r.warnings).toHaveLength(5);
  });

  it('reports a wrong type with the file, dotted key, line, value received and value expected', () => {
    write(
      projectFile,
      `target_branch = "main"

[agent]
model = "x"
max_turns = "ten"
`,
    );
    const err = fail(loadConfig({ paths, root }));
    expect(err.path).toBe(projectFile);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({
      file: projectFile,
      key: 'agent.max_turns',
      line: 5,
      received: '"ten" (a string)',
      expected: 'an integer from 0 to 10000',
    });
    expect(err.message).toContain(`${projectFile}:5: agent.max_turns: expected an integer from 0 to 10000, received "ten" (a string)`);
    expect(err.message).toContain('delete it to use the default (0)');
    expect(err.cause).toBeDefined();
  });

  it('reports out-of-range numbers, bad enums and bad array items, with dotted-key and inline-table lines', () => {
    write(
      userFile,
      `max_parallel_agents = 100
merge_strategy = "rebase"
agent.args = ["--x", 3]
daemon = { port = 70000 }
`,
    );
    const err = fail(loadConfig({ paths, root }));
    const byKey = Object.fromEntries(err.issues.map((i) => [i.key, i]));
    expect(byKey['max_parallel_agents']).toMatchObject({ line: 1, expected: 'an integer from 1 to 64', received: '100 (an integer)' });
    expect(byKey['merge_strategy']).toMatchObject({ line: 2, expected: 'one of "squash"', received: '"rebase" (a string)' });
    expect(byKey['agent.args[1]']).toMatchObject({ line: 3, expected: 'a string', received: '3 (an integer)' });
    expect(byKey['daemon.port']).toMatchObject({ line: 4, expected: 'an integer from 0 to 65535' });
  });

  it('names flags as the source of a bad flag value', () => {
    const err = fail(loadConfig({ paths, root, flags: { max_parallel_agents: 0 } }));
    expect(err.issues[0]).toMatchObject({ file: FLAGS_SOURCE, key: 'max_parallel_agents' });
    expect(err.issues[0]?.line).toBeUndefined();
  });

  it('reports a TOML syntax error with file, line and column', () => {
    write(userFile, 'plans_dir = "docs/plans"\n[agent]\nmodel = \n');
    const err = fail(loadConfig({ paths, root }));
    expect(err.issues[0]).toMatchObject({ file: userFile, key: '', line: 3 });
    expect(err.issues[0]?.column).toBeGreaterThan(0);
    expect(err.message).toContain(`${userFile}:3:`);
    expect(err.message).toContain('TOML syntax error');
  });

  it('refuses secret-looking names in agent.env without echoing the value', () => {
    write(
      projectFile,
      `[agent.env]
LOG_LEVEL = "debug"
ANTHROPIC_API_KEY = "sk-ant-very-secret"
GITHUB_TOKEN = "ghp_secret"
db_password = "hunter2"
`,
    );
    const err = fail(loadConfig({ paths, root }));
    expect(err.issues.map((i) => i.key)).toEqual(['agent.env.ANTHROPIC_API_KEY', 'agent.env.GITHUB_TOKEN', 'agent.env.db_password']);
    expect(err.issues[0]?.line).toBe(3);
    expect(err.message).toContain('secrets must come from the environment, not config files');
    expect(err.message).not.toMatch(/sk-ant|ghp_|hunter2/);
  });

  it('collects problems from both files in one error', () => {
    write(userFile, 'max_parallel_agents = "many"\n');
    write(projectFile, '[writeback]\nreadme = "yes"\n');
    const err = fail(loadConfig({ paths, root }));
    expect(err.issues.map((i) => [i.file, i.key, i.line])).toEqual([
      [userFile, 'max_parallel_agents', 1],
      [projectFile, 'writeback.readme', 2],
    ]);
    expect(err.issues[1]?.expected).toBe('true or false');
  });

  it('rejects a target branch that could be read as an option and a plans dir outside the repository', () => {
    write(projectFile, 'target_branch = "--force"\nplans_dir = "../elsewhere"\n');
    const err = fail(loadConfig({ paths, root }));
    expect(err.issues.map((i) => i.key)).toEqual(['target_branch', 'plans_dir']);
    expect(err.issues[0]?.expected).toContain('git branch name');
  });

  it('treats an unreadable config file as an error naming it', () => {
    mkdirSync(projectFile, { recursive: true });
    const err = fail(loadConfig({ paths, root }));
    expect(err.path).toBe(projectFile);
    expect(err.message).toContain(projectFile);
    expect(err.message).toContain('cannot read');
  });

  it.skipIf(process.getuid?.() === 0)('treats a file without read permission as an error', () => {
    write(userFile, 'max_parallel_agents = 2\n');
    chmodSync(userFile, 0o000);
    const err = fail(loadConfig({ paths, root }));
    expect(err.message).toContain(userFile);
  });
});
