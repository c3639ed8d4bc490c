import { describe, expect, it } from 'vitest';
import { sanitizeEnv } from './env.js';

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
        'DISABLE_AUTOUPDATER', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
      ].sort(),
    );
    expect(env.DISABLE_AUTOUPDATER).toBe('1');
    expect(env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe('1');
  });

  it('applies extra last and honours extra allowed names and prefixes', () => {
    const env = sanitizeEnv(parent, { HOME: '/other', ORCH_RUN_ID: 'r1' }, { allow: ['OPENAI_*', 'NPM_TOKEN'] });
    expect(env).toMatchObject({ HOME: '/other', ORCH_RUN_ID: 'r1', OPENAI_API_KEY: 'o', NPM_TOKEN: 'secret' });
    expect(env.GIT_DIR).toBeUndefined();
  });
});
