import { describe, expect, it } from 'vitest';
import { commandEnv, sanitizeEnv } from './env.js';

describe('sanitizeEnv', () => {
  const parent = {
    PATH: '/bin', HOME: '/h', USER: 'u', LANG: 'C.UTF-8', LC_ALL: 'C', TERM: 'xterm', TMPDIR: '/t', SHELL: '/bin/sh',
    ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://x', CLAUDE_CONFIG_DIR: '/c', AWS_REGION: 'eu', GOOGLE_CLOUD_PROJECT: 'p',
    HTTPS_PROXY: 'http://p', no_proxy: 'localhost', NODE_EXTRA_CA_CERTS: '/ca.pem', SSL_CERT_FILE: '/ca2.pem',
    GIT_DIR: '/repo/.git', GIT_WORK_TREE: '/repo', GIT_INDEX_FILE: '/i', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.hooksPath',
    GITHUB_TOKEN: 'secret', NPM_TOKEN: 'secret', CLAUDECODE: '1', CLAUDE_CODE_ENTRYPOINT: 'cli', OPENAI_API_KEY: 'o', UNDEFINED: undefined,
  };

  it('passes the allow-list, strips git plumbing and unrelated secrets, adds the agent defaults', () => {
    const env = sanitizeEnv(parent);
    expect(Object.keys(env).sort()).toEqual(
      [
        'PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'SHELL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'CLAUDE_CONFIG_DIR',
        'AWS_REGION', 'GOOGLE_CLOUD_PROJECT', 'HTTPS_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE',
        'DISABLE_AUTOUPDATER', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0',
      ].sort(),
    );
    // The parent's git config injection is replaced by the push guard, not passed on.
    expect(env.GIT_CONFIG_KEY_0).toBe('url.orch-push-denied::.pushInsteadOf');
    expect(env.DISABLE_AUTOUPDATER).toBe('1');
    expect(env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe('1');
  });

  it('applies extra last and honours extra allowed names and prefixes', () => {
    const env = sanitizeEnv(parent, { HOME: '/other', ORCH_RUN_ID: 'r1' }, { allow: ['OPENAI_*', 'NPM_TOKEN'] });
    expect(env).toMatchObject({ HOME: '/other', ORCH_RUN_ID: 'r1', OPENAI_API_KEY: 'o', NPM_TOKEN: 'secret' });
    expect(env.GIT_DIR).toBeUndefined();
  });
});

describe("the session's sockets", () => {
  const session = { SSH_AUTH_SOCK: '/s', DISPLAY: ':0', DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/x', TMUX: '/t', KITTY_LISTEN_ON: 'unix:@k', VSCODE_GIT_ASKPASS_MAIN: '/a', DOCKER_HOST: 'tcp://h', NPM_CONFIG_CACHE: '/c' };

  it('reach an agent only by their exact name in pass_env, never through a wildcard', () => {
    const env = sanitizeEnv({ PATH: '/bin', ...session }, {}, { allow: ['*', 'DOCKER_HOST'] });
    expect(Object.keys(session).filter((k) => k in env)).toEqual(['DOCKER_HOST', 'NPM_CONFIG_CACHE']);
  });

  it("are not in the project's commands' environment unless named exactly", () => {
    expect(Object.keys(commandEnv({ PATH: '/bin', ...session }, ['*', 'SSH_AUTH_SOCK']))).toEqual(['PATH', 'SSH_AUTH_SOCK', 'NPM_CONFIG_CACHE']);
  });
});

describe('variables that inject code into what an agent starts', () => {
  it('never reach an agent through a wildcard: node, bash and git run nothing planted (the control run does)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, rmSync, writeFileSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'orch-inject-'));
    try {
      const mark = (n: string) => join(dir, `ran-${n}`);
      writeFileSync(join(dir, 'req.cjs'), `require('fs').writeFileSync(${JSON.stringify(mark('node'))}, '')`);
      writeFileSync(join(dir, 'env.sh'), `: > ${mark('bash')}\n`);
      const planted = {
        NODE_OPTIONS: `--require ${join(dir, 'req.cjs')}`, BASH_ENV: join(dir, 'env.sh'),
        GIT_CONFIG_PARAMETERS: `'alias.st=!touch ${mark('git')}'`, LD_PRELOAD: '/nonexistent.so', PYTHONSTARTUP: '/x.py', ENV: '/x.sh',
      };
      const parent = { PATH: process.env.PATH, HOME: dir, ...planted };
      const run = (env: NodeJS.ProcessEnv) => {
        execFileSync(process.execPath, ['-e', ''], { env, stdio: 'ignore' });
        execFileSync('bash', ['-c', 'true'], { env, stdio: 'ignore' });
        execFileSync('git', ['st'], { env, cwd: dir, stdio: 'ignore' });
      };
      const env = sanitizeEnv(parent, {}, { allow: ['*', 'NODE_*', 'LD_*', 'GIT_*', 'PYTHON*', 'BASH*'] });
      expect(Object.keys(planted).filter((k) => k in env)).toEqual([]);
      expect(() => run(env)).toThrow(); // git: no alias st
      expect(['node', 'bash', 'git'].filter((n) => existsSync(mark(n)))).toEqual([]);
      // Control: the same variables, unfiltered, do run the planted code (so the check above can fail).
      run({ ...parent, LD_PRELOAD: '' });
      expect(['node', 'bash', 'git'].filter((n) => existsSync(mark(n)))).toEqual(['node', 'bash', 'git']);
      // The user's exact name is their decision.
      expect(sanitizeEnv(parent, {}, { allow: ['NODE_OPTIONS'] }).NODE_OPTIONS).toBe(planted.NODE_OPTIONS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the push guard in the agent environment', () => {
  it('makes every git push fail without touching the remote, and leaves fetch alone', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'orch-push-guard-'));
    try {
      const git = (args: string[], env: NodeJS.ProcessEnv = process.env) => execFileSync('git', args, { cwd: join(dir, 'w'), env, encoding: 'utf8', stdio: 'pipe' });
      execFileSync('git', ['init', '-q', '--bare', join(dir, 'o.git')]);
      execFileSync('git', ['init', '-q', join(dir, 'w')]);
      git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'i']);
      git(['remote', 'add', 'origin', join(dir, 'o.git')]);
      const env = sanitizeEnv({ PATH: process.env.PATH, HOME: dir });
      expect(() => git(['push', 'origin', 'HEAD:main'], env)).toThrow(/remote-orch-push-denied/);
      expect(() => git(['push', '--force', join(dir, 'o.git'), 'HEAD:main'], env)).toThrow(/remote-orch-push-denied/);
      expect(git(['fetch', 'origin'], env)).toBe('');
      expect(execFileSync('git', ['--git-dir', join(dir, 'o.git'), 'for-each-ref'], { encoding: 'utf8' })).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
