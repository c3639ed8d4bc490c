import { spawn } from 'node:child_process';

export type TokenSource = 'GITHUB_TOKEN' | 'GH_TOKEN' | 'GH_ENTERPRISE_TOKEN' | 'GITHUB_ENTERPRISE_TOKEN' | 'gh';

export type TokenResult = { ok: true; token: string; source: TokenSource } | { ok: false; problem: string; fix: string };

export interface DiscoverTokenOptions {
  /** Environment to read (and to run `gh` with). Passed in so tests and the daemon's env module decide. */
  env: NodeJS.ProcessEnv;
  /** Forge host, for `gh auth token --hostname`. Default `github.com`. */
  host?: string;
  /** Default `gh`, looked up on `env.PATH`. */
  ghBinary?: string;
  timeoutMs?: number;
}

/** github.com and GitHub's own cloud tenancies (`<name>.ghe.com`): the hosts GITHUB_TOKEN and GH_TOKEN are for. */
export const isGitHubDotCom = (host: string): boolean => host === 'github.com' || host.endsWith('.ghe.com');

/** The variables holding a token for `host`, as the GitHub CLI reads them. */
export const tokenVariables = (host: string): readonly ('GITHUB_TOKEN' | 'GH_TOKEN' | 'GH_ENTERPRISE_TOKEN' | 'GITHUB_ENTERPRISE_TOKEN')[] =>
  isGitHubDotCom(host) ? ['GITHUB_TOKEN', 'GH_TOKEN'] : ['GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN'];

const fix = (host: string) =>
  `export ${tokenVariables(host)[0]}=<token with the repo scope${isGitHubDotCom(host) ? '' : ` for ${host}`}>, or install the GitHub CLI and run \`gh auth login${host === 'github.com' ? '' : ` --hostname ${host}`}\``;

/**
 * GITHUB_TOKEN, then GH_TOKEN, then `gh auth token`, for github.com. Those two are github.com's tokens: any other
 * host (GitHub Enterprise Server, a test server) gets GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN, then
 * `gh auth token --hostname <host>`, so a configured base URL never receives the github.com token. The token is
 * returned, never logged or put in an error message; only its source is meant for display.
 */
export async function discoverToken(options: DiscoverTokenOptions): Promise<TokenResult> {
  const host = (options.host ?? 'github.com').toLowerCase();
  for (const source of tokenVariables(host)) {
    const value = options.env[source]?.trim();
    if (value) return { ok: true, token: value, source };
  }
  const gh = await runGh(options.ghBinary ?? 'gh', ['auth', 'token', '--hostname', host], options.env, options.timeoutMs ?? 5000);
  if (gh.kind === 'ok') {
    const token = gh.stdout.trim();
    if (token) return { ok: true, token, source: 'gh' };
    return { ok: false, problem: `\`gh auth token\` printed nothing for ${host}`, fix: fix(host) };
  }
  const why =
    gh.kind === 'missing'
      ? 'the GitHub CLI (gh) is not installed'
      : gh.kind === 'timeout'
        ? `\`gh auth token\` did not answer within ${Math.round((options.timeoutMs ?? 5000) / 1000)} s`
        : `\`gh auth token\` failed: ${gh.stderr.trim().split('\n').slice(-1)[0] || `exit code ${gh.exitCode}`}`;
  return { ok: false, problem: `no GitHub token for ${host}: ${tokenVariables(host).join(' and ')} are unset and ${why}`, fix: fix(host) };
}

type GhResult = { kind: 'ok'; stdout: string } | { kind: 'missing' } | { kind: 'timeout' } | { kind: 'failed'; exitCode: number; stderr: string };

function runGh(binary: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<GhResult> {
  return new Promise((resolve) => {
    // The token variables are unset here (or we would not ask gh); GH_PROMPT_DISABLED keeps gh non-interactive.
    const childEnv: NodeJS.ProcessEnv = { ...env, GH_PROMPT_DISABLED: '1', NO_COLOR: '1' };
    let child;
    try {
      child = spawn(binary, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL', windowsHide: true });
    } catch {
      resolve({ kind: 'missing' });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'EACCES') resolve({ kind: 'missing' });
      else resolve({ kind: 'failed', exitCode: -1, stderr: error.message });
    });
    child.once('close', (code, signal) => {
      if (signal === 'SIGKILL' && code === null) resolve({ kind: 'timeout' });
      else if (code === 0) resolve({ kind: 'ok', stdout: Buffer.concat(out).toString('utf8') });
      else resolve({ kind: 'failed', exitCode: code ?? -1, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
