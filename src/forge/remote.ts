import type { GitRunner } from '../git/index.js';

export interface RemoteRepository {
  host: string;
  owner: string;
  repo: string;
}

export type RepositoryResult = ({ ok: true } & RemoteRepository) | { ok: false; problem: string; fix: string };

/**
 * `https://[user[:pw]@]host[:port]/owner/repo[.git][/]`, `ssh://[user@]host[:port]/owner/repo[.git]`,
 * `git://host/owner/repo`, and scp-like `[user@]host:owner/repo[.git]`. Hosts are lower-cased;
 * GitHub's ssh-over-443 host `ssh.github.com` counts as `github.com`. Credentials are dropped.
 */
export function parseRemoteUrl(url: string): RemoteRepository | undefined {
  const trimmed = url.trim();
  let host: string;
  let path: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(trimmed);
  if (scheme) {
    const protocol = (scheme[1] ?? '').toLowerCase();
    if (!['https', 'http', 'ssh', 'git', 'git+ssh', 'ssh+git'].includes(protocol)) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return undefined;
    }
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else {
    // scp-like syntax: a colon before the first slash, and not a Windows drive letter.
    const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(trimmed);
    if (!scp || /^[a-z]$/i.test(scp[1] ?? '')) return undefined;
    host = scp[1] ?? '';
    path = scp[2] ?? '';
  }
  const parts = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '').split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!owner || !repo || !/^[\w.-]+$/.test(owner) || !/^[\w.-]+$/.test(repo)) return undefined;
  host = host.toLowerCase();
  if (host === 'ssh.github.com' || host === 'www.github.com') host = 'github.com';
  return { host, owner, repo };
}

/** The web host a forge API base URL belongs to: `https://api.github.com` → github.com, `https://ghe.corp/api/v3` → ghe.corp. */
export function hostOfBaseUrl(baseUrl: string | undefined): string {
  if (!baseUrl) return 'github.com';
  const host = new URL(baseUrl).hostname.toLowerCase();
  return host === 'api.github.com' ? 'github.com' : host.replace(/^api\./, '');
}

/** Reads `remote`'s URL (after insteadOf rewriting) and checks it is a repository on `host`. */
export async function repositoryFromRemote(git: GitRunner, root: string, options: { host: string; remote?: string }): Promise<RepositoryResult> {
  const remote = options.remote ?? 'origin';
  const r = await git.run(['remote', 'get-url', remote], { cwd: root });
  if (r.exitCode !== 0) {
    return { ok: false, problem: `the repository at ${root} has no \`${remote}\` remote`, fix: `git remote add ${remote} https://${options.host}/OWNER/REPO.git` };
  }
  return checkRemote(r.stdout.trim(), options.host, remote);
}

export function checkRemote(url: string, host: string, remote = 'origin'): RepositoryResult {
  const shown = url.replace(/\/\/[^@/]*@/, '//');
  const parsed = parseRemoteUrl(url);
  if (!parsed) {
    return { ok: false, problem: `cannot read owner/repo from the \`${remote}\` URL ${shown}`, fix: `set forge.owner and forge.repo in the Orch config, or point ${remote} at https://${host}/OWNER/REPO.git` };
  }
  if (parsed.host !== host.toLowerCase()) {
    return {
      ok: false,
      problem: `the \`${remote}\` remote is on ${parsed.host} (${shown}) but the configured forge is ${host}`,
      fix: `set forge.base_url for ${parsed.host}, or point ${remote} at ${host}: git remote set-url ${remote} https://${host}/${parsed.owner}/${parsed.repo}.git`,
    };
  }
  return { ok: true, ...parsed };
}

/**
 * Whether a fetch from or push to `remote` may carry the forge's credentials (the token variables in git's
 * environment, for a credential helper): only when every URL git would use for it, after `insteadOf` and
 * `pushInsteadOf`, is on the forge's `host`. A local path needs none, and a URL anywhere else (a `pushurl`, a
 * rewrite, a remote someone repointed) must not be handed the token.
 */
export async function remoteMayGetCredentials(git: GitRunner, root: string, o: { remote: string; host: string; direction: 'fetch' | 'push' }): Promise<boolean> {
  const r = await git.run(['remote', 'get-url', '--all', ...(o.direction === 'push' ? ['--push'] : []), '--', o.remote], { cwd: root });
  if (r.exitCode !== 0) return false;
  const urls = r.stdout.split('\n').map((u) => u.trim()).filter((u) => u !== '');
  const host = o.host.toLowerCase();
  return urls.length > 0 && urls.every((u) => parseRemoteUrl(u)?.host === host);
}
