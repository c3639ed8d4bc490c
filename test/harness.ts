import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { trust } from '../src/config/trust.js';
import { onProcessEnd } from './process-end.js';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRootDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const orchBin = join(repoRootDir, 'bin', 'orch.js');
const fakeClaude = join(repoRootDir, 'test', 'fixtures', 'fake-claude.mjs');

export interface Sandbox {
  base: string;
  repo: string;
  env: NodeJS.ProcessEnv;
  agentLog: string;
  git: (...args: string[]) => string;
  write: (path: string, content: string) => void;
  commitAll: (message: string) => void;
  orch: (...args: string[]) => SpawnSyncReturns<string>;
  orchJson: <T>(...args: string[]) => T;
  /** Like orch, without blocking this process's event loop (for servers that run inside the test). */
  orchAsync: (...args: string[]) => Promise<{ status: number | null; stdout: string; stderr: string }>;
  cleanup: () => void;
}

/**
 * A temporary project: a git repository with `files`, private XDG dirs, and a fake `claude` first on PATH
 * (pass `realClaude` to use node_modules/.bin/claude instead).
 */
export function sandbox(files: Record<string, string>, opts: { realClaude?: boolean; env?: NodeJS.ProcessEnv } = {}): Sandbox {
  const base = mkdtempSync(join(tmpdir(), 'orch-test-'));
  const repo = join(base, 'repo');
  const bin = join(base, 'bin');
  mkdirSync(repo, { recursive: true });
  mkdirSync(bin, { recursive: true });
  if (!opts.realClaude) symlinkSync(fakeClaude, join(bin, 'claude'));
  // The fake agent's log is outside its worktree: the user config lets the sandbox show it.
  const agentLog = join(base, 'agent', 'agent.log');
  mkdirSync(join(base, 'agent'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${join(repoRootDir, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    HOME: join(base, 'home'),
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_STATE_HOME: join(base, 'state'),
    XDG_DATA_HOME: join(base, 'data'),
    FAKE_CLAUDE_LOG: agentLog,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    NO_COLOR: '1',
    ...opts.env,
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' });
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
    // The test's own project config is the user's decision, as `orch trust` records it (docs/security.md).
    if (path === '.orch/config.toml') trust(join(base, 'config', 'orch'), join(realpathSync(repo), '.orch', 'config.toml'), content);
  };
  // Passing the fake agent's variables, and letting it write its log outside its worktree, are the user's
  // choices: their own config, not the project's. It ends in [sandbox]: tests append sandbox keys to it.
  mkdirSync(join(base, 'config', 'orch'), { recursive: true });
  writeFileSync(join(base, 'config', 'orch', 'config.toml'), `[agent]\npass_env = ["FAKE_CLAUDE_*"]\n\n[sandbox]\nwritable = [${JSON.stringify(join(base, 'agent'))}]\n`);
  for (const [p, c] of Object.entries(files)) write(p, c);
  if (!files['.orch/config.toml']) write('.orch/config.toml', 'max_parallel_agents = 3\n');
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgsign', 'false');
  const commitAll = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
  };
  commitAll('initial');
  const orch = (...args: string[]) => spawnSync(process.execPath, [orchBin, ...args], { cwd: repo, env, encoding: 'utf8', timeout: 120_000 });
  const orchJson = <T>(...args: string[]): T => {
    const r = orch(...args, '--json');
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error(`orch ${args.join(' ')} --json printed no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
  };
  const orchAsync = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [orchBin, ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // A spawn that cannot start (its cwd removed by a cleanup after a timeout) answers instead of throwing.
      child.once('error', (err) => resolve({ status: null, stdout, stderr: `${stderr}${err.message}` }));
      child.once('close', (status, sig) => resolve({ status, stdout, stderr: sig ? `${stderr}[killed by ${sig}]` : stderr }));
    });
  // Run by afterAll, or when the test process ends any other way (killed, interrupted): a daemon left running
  // outlives the test by hours otherwise.
  const cleanup = onProcessEnd(() => {
    orch('daemon', 'stop');
    // A tracker CLI or agent the daemon started just before it stopped may still write a last line meanwhile.
    // rmSync's own retries only retry the last rmdir, so a file written after it emptied the folder would fail it:
    // the whole removal is tried again instead.
    for (let i = 0; ; i++) {
      try {
        rmSync(base, { recursive: true, force: true, maxRetries: 2, retryDelay: 100 });
        break;
      } catch (e) {
        if (i >= 20) throw e;
        spawnSync('sleep', ['0.2']);
      }
    }
  });
  return {
    base,
    orchAsync,
    repo,
    env,
    agentLog,
    git,
    write,
    commitAll,
    orch,
    orchJson,
    cleanup,
  };
}

/** An epic whose deliverables the fake agent (and the simulated model) write verbatim. */
export function epic(title: string, body: string, files: Record<string, string>, frontmatter?: string): string {
  const blocks = Object.entries(files).map(([p, c]) => '```file:' + p + '\n' + c + '\n```');
  return `${frontmatter ? `---\n${frontmatter}\n---\n` : ''}# ${title}\n\n${body}\n\n## Deliverables\n\n${blocks.join('\n\n')}\n`;
}

export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
