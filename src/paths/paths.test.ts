import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPaths } from './index.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'orch-paths-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('createPaths', () => {
  it('defaults to ~/.config, ~/.local/state and ~/.local/share without XDG variables', () => {
    const p = createPaths({}, '/home/ada');
    expect(p.configHome).toBe('/home/ada/.config');
    expect(p.stateHome).toBe('/home/ada/.local/state');
    expect(p.dataHome).toBe('/home/ada/.local/share');
    expect(p.userConfigFile).toBe('/home/ada/.config/orch/config.toml');
  });

  it('honours absolute XDG variables', () => {
    const p = createPaths({ XDG_CONFIG_HOME: '/x/cfg', XDG_STATE_HOME: '/x/state', XDG_DATA_HOME: '/x/data' }, '/home/ada');
    expect(p.userConfigFile).toBe('/x/cfg/orch/config.toml');
    const proj = p.project('/nowhere/shop');
    expect(proj.stateDir).toBe(`/x/state/orch/projects/${proj.key}`);
    expect(proj.worktreesDir).toBe(`/x/data/orch/worktrees/${proj.key}`);
  });

  it('ignores relative and empty XDG variables, as the spec requires', () => {
    const p = createPaths({ XDG_CONFIG_HOME: 'cfg', XDG_STATE_HOME: './state', XDG_DATA_HOME: '' }, '/home/ada');
    expect(p.configHome).toBe('/home/ada/.config');
    expect(p.stateHome).toBe('/home/ada/.local/state');
    expect(p.dataHome).toBe('/home/ada/.local/share');
  });

  it('lays out every project file under the state dir', () => {
    const proj = createPaths({}, '/home/ada').project('/nowhere/shop');
    const s = proj.stateDir;
    expect(proj.root).toBe('/nowhere/shop');
    expect(s).toBe(`/home/ada/.local/state/orch/projects/${proj.key}`);
    expect(proj.dbFile).toBe(path.join(s, 'orch.db'));
    expect(proj.daemonFile).toBe(path.join(s, 'daemon.json'));
    expect(proj.logsDir).toBe(path.join(s, 'logs'));
    expect(proj.agentHome).toBe(path.join(s, 'agent-home'));
    expect(path.dirname(proj.lockFile)).toBe(s);
    expect(path.dirname(proj.daemonLog)).toBe(s);
    expect(proj.projectConfigFile).toBe('/nowhere/shop/.orch/config.toml');
  });

  it('gives a stable key per root and distinct keys for distinct roots', () => {
    const p = createPaths({}, '/home/ada');
    const a = p.project('/nowhere/shop');
    expect(a.key).toMatch(/^shop-[0-9a-f]{10}$/);
    expect(p.project('/nowhere/shop/').key).toBe(a.key);
    expect(createPaths({ XDG_STATE_HOME: '/elsewhere' }, '/home/bob').project('/nowhere/shop').key).toBe(a.key);
    expect(p.project('/other/shop').key).not.toBe(a.key);
    expect(p.project('/other/shop').key).toMatch(/^shop-/);
  });

  it('resolves symlinks so two spellings of one directory share a key', () => {
    const real = path.join(tmp, 'real-repo');
    mkdirSync(real);
    const link = path.join(tmp, 'link-repo');
    symlinkSync(real, link);
    const p = createPaths({}, tmp);
    expect(p.project(link).key).toBe(p.project(real).key);
    expect(p.project(link).root).toBe(p.project(real).root);
  });

  it('keeps keys safe for odd directory names', () => {
    const p = createPaths({}, '/home/ada');
    expect(p.project('/').key).toMatch(/^root-[0-9a-f]{10}$/);
    expect(p.project('/x/my repo:v2').key).toMatch(/^my_repo_v2-[0-9a-f]{10}$/);
  });
});

describe('one project per repository (linked worktrees)', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } }).trim();

  it('keys a linked worktree on the git common dir: its main checkout, state dir and key', () => {
    const main = path.join(tmp, 'shop');
    mkdirSync(main);
    git(main, 'init', '-q', '-b', 'main');
    git(main, 'commit', '-q', '--allow-empty', '-m', 'init');
    const wt = path.join(tmp, 'shop-feature');
    git(main, 'worktree', 'add', '-q', wt, '-b', 'feature');
    const p = createPaths({}, '/home/ada');
    const [a, b] = [p.project(main), p.project(path.join(wt, '.'))];
    expect(b.key).toBe(a.key);
    expect(b.stateDir).toBe(a.stateDir);
    expect(b.root).toBe(realpathSync(main));
    // The same answer git gives.
    expect(path.dirname(path.resolve(wt, git(wt, 'rev-parse', '--git-common-dir')))).toBe(realpathSync(main));
    // A main checkout keeps the key it always had (sha256 of its root): existing state dirs stay in use.
    expect(a.key).toBe(`shop-${createHash('sha256').update(realpathSync(main)).digest('hex').slice(0, 10)}`);
  });

  it('keys worktrees of a bare repository on the bare repository', () => {
    const bare = path.join(tmp, 'lib.git');
    git(tmp, 'init', '-q', '--bare', '-b', 'main', bare);
    const seed = path.join(tmp, 'seed');
    git(tmp, 'clone', '-q', bare, seed);
    git(seed, 'commit', '-q', '--allow-empty', '-m', 'init');
    git(seed, 'push', '-q', 'origin', 'HEAD:main');
    const [w1, w2] = [path.join(tmp, 'lib-a'), path.join(tmp, 'lib-b')];
    git(bare, 'worktree', 'add', '-q', w1, 'main');
    git(bare, 'worktree', 'add', '-q', '-b', 'b', w2, 'main');
    const p = createPaths({}, '/home/ada');
    expect(p.project(w1).key).toBe(p.project(w2).key);
    expect(p.project(w1).root).toBe(realpathSync(w1));
    expect(p.project(w1).key).not.toBe(p.project(seed).key);
  });
});
