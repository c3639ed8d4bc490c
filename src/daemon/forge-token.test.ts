import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/index.js';
import { createGit } from '../git/index.js';
import { createGitHubPort } from './forge.js';

// A git HTTP server that asks for credentials and records every password it is handed.
const seen: string[] = [];
let server: Server;
let port: number;
let dir: string;

const TOKEN = 'enterprise-token-0123456789';
const DOTCOM = 'ghp_dotcomTOKEN0123456789abcdefghijklmnop';

beforeAll(async () => {
  server = createServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) seen.push(Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':'));
    res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  dir = mkdtempSync(join(tmpdir(), 'orch-forge-token-'));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function repo(name: string, remote: string, pushurl?: string): string {
  const root = join(dir, name);
  const g = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
  execFileSync('git', ['init', '-q', '-b', 'main', root]);
  g('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init');
  g('remote', 'add', 'origin', remote);
  if (pushurl) g('config', 'remote.origin.pushurl', pushurl);
  // The kind of helper CI setups use: it answers any host with the token in the environment.
  g('config', 'credential.helper', '!f() { echo username=x-access-token; echo "password=${GH_ENTERPRISE_TOKEN}${GITHUB_TOKEN}"; }; f');
  return root;
}

/** The server refuses every request: the push or fetch fails, and what it was handed is what counts. */
const attempt = async (p: Promise<unknown>): Promise<void> => {
  await p.catch(() => undefined);
};

const port_ = (root: string, baseUrl: string) => {
  const env = { PATH: process.env.PATH ?? '', HOME: dir, GH_ENTERPRISE_TOKEN: TOKEN, GITHUB_TOKEN: DOTCOM };
  const forge = { ...defaultConfig().forge, kind: 'github' as const, base_url: baseUrl, owner: 'acme', repo: 'app' };
  return createGitHubPort(createGit({ env }), root, forge, env);
};

describe('the forge token goes only to the configured forge host', () => {
  it('a push or fetch to a remote on the forge host may use it (the helper gets the host\'s token)', async () => {
    seen.length = 0;
    const root = repo('on-forge', `http://127.0.0.1:${port}/acme/app.git`);
    const forge = port_(root, `http://127.0.0.1:${port}/api/v3`);
    await attempt(forge.push('main'));
    await attempt(forge.fetchTarget('main'));
    expect(seen).toContain(TOKEN);
    expect(seen.join(' ')).not.toContain(DOTCOM);
  });

  it('a pushurl, a remote elsewhere or an insteadOf rewrite gets no token at all', async () => {
    seen.length = 0;
    const elsewhere = `http://localhost:${port}/acme/app.git`;
    const pushurl = repo('pushurl', `http://127.0.0.1:${port}/acme/app.git`, elsewhere);
    await attempt(port_(pushurl, `http://127.0.0.1:${port}/api/v3`).push('main'));
    const moved = repo('moved', elsewhere);
    await attempt(port_(moved, `http://127.0.0.1:${port}/api/v3`).push('main'));
    await attempt(port_(moved, `http://127.0.0.1:${port}/api/v3`).fetchTarget('main'));
    const rewritten = repo('rewritten', `http://127.0.0.1:${port}/acme/app.git`);
    execFileSync('git', ['config', `url.http://localhost:${port}/.pushInsteadOf`, `http://127.0.0.1:${port}/`], { cwd: rewritten });
    await attempt(port_(rewritten, `http://127.0.0.1:${port}/api/v3`).push('main'));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.join(' ')).not.toContain(TOKEN);
    expect(seen.join(' ')).not.toContain(DOTCOM);
  });
});
