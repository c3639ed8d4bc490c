import { spawnSync } from 'node:child_process';
import { createGit, defaultBranch, repoRoot } from '../git/index.js';
import type { TokenSource } from '../forge/token.js';
import { inspectAgentClis, type AgentCliInfo } from './agents.js';

export interface Finding {
  name: string;
  level: 'ok' | 'warn' | 'error' | 'info';
  detail: string;
  fix?: string;
}

export interface Facts {
  cwd: string;
  gitVersion?: string;
  /** The checkout's top level, when cwd is inside one. */
  root?: string;
  /** The branch work would merge into; undefined when the repository has no commit. */
  targetBranch?: string;
  agents: AgentCliInfo[];
  bwrap?: string;
  remote?: { name: string; url: string; github?: { host: string; owner: string; repo: string } };
  token?: { ok: true; source: TokenSource } | { ok: false; problem: string; fix: string };
}

/** Looks at the machine and the repository; writes nothing. */
export async function inspect(cwd: string, env: NodeJS.ProcessEnv, remoteName = 'origin'): Promise<Facts> {
  const git = createGit();
  const v = await git.run(['--version'], { cwd });
  const facts: Facts = { cwd, agents: await inspectAgentClis(env) };
  if (v.exitCode === 0) facts.gitVersion = v.stdout.trim().replace(/^git version /, '');
  const root = await repoRoot(git, cwd);
  if (root) {
    facts.root = root;
    const target = await defaultBranch(git, root);
    const sha = target ? (await git.run(['rev-parse', '--verify', '--quiet', `refs/heads/${target}`], { cwd: root })).stdout.trim() : '';
    if (sha) facts.targetBranch = target;
    const url = (await git.run(['remote', 'get-url', remoteName], { cwd: root })).stdout.trim();
    if (url) {
      // Loaded only when there is a remote: CLI commands keep forge/ off their start-up path (src/cli/startup.test.ts).
      const [{ parseRemoteUrl }, { discoverToken }] = await Promise.all([import('../forge/remote.js'), import('../forge/token.js')]);
      const parsed = parseRemoteUrl(url);
      facts.remote = { name: remoteName, url: url.replace(/\/\/[^@/]*@/, '//'), ...(parsed ? { github: parsed } : {}) };
      if (parsed) {
        const t = await discoverToken({ env, host: parsed.host });
        facts.token = t.ok ? { ok: true, source: t.source } : t;
      }
    }
  }
  const b = spawnSync('bwrap', ['--version'], { env, encoding: 'utf8', timeout: 5000 });
  if (b.status === 0) facts.bwrap = b.stdout.trim();
  return facts;
}

/** What the facts mean for the user, each with what to do. */
export function findings(f: Facts): Finding[] {
  const out: Finding[] = [];
  const gitOk = !!f.gitVersion && /^(\d+)\.(\d+)/.test(f.gitVersion) && versionAtLeast(f.gitVersion, 2, 38);
  out.push(
    f.gitVersion
      ? { name: 'git', level: gitOk ? 'ok' : 'error', detail: f.gitVersion, ...(gitOk ? {} : { fix: 'install git 2.38 or newer (Orch merges with git merge-tree --write-tree)' }) }
      : { name: 'git', level: 'error', detail: 'git not found on PATH', fix: 'install git 2.38 or newer' },
  );
  if (!f.root) out.push({ name: 'repository', level: 'error', detail: `${f.cwd} is not inside a git repository`, fix: 'run `git init` here (onboard offers to), or run orch in your checkout' });
  else if (!f.targetBranch) out.push({ name: 'repository', level: 'warn', detail: `${f.root} has no commit yet`, fix: 'onboard commits the plan it creates; or make a first commit' });
  else out.push({ name: 'repository', level: 'ok', detail: `${f.root} (target branch ${f.targetBranch})` });
  for (const a of f.agents) {
    if (!a.found) {
      out.push({ name: `agent ${a.backend}`, level: 'info', detail: `${a.label} not found on PATH`, fix: `install: ${a.install}; then ${a.login}` });
      continue;
    }
    const unsupported = a.support?.status === 'unsupported';
    const env = a.providerEnv.length > 0 ? `provider env: ${a.providerEnv.join(', ')}` : `no provider variable set (${a.providerEnvKnown.join(', ')}): it uses its own login`;
    out.push({
      name: `agent ${a.backend}`,
      level: unsupported ? 'warn' : 'ok',
      detail: `${a.label} ${a.version ?? '(version unknown)'} at ${a.command}${support(a)}; ${env}`,
      ...(unsupported ? { fix: a.install } : a.providerEnv.length === 0 ? { fix: a.login } : {}),
    });
  }
  if (!f.agents.some((a) => a.found)) out.push({ name: 'agents', level: 'error', detail: 'no supported agent CLI on PATH', fix: `install one, e.g. ${f.agents[0]?.install ?? 'Claude Code'}` });
  out.push(
    f.bwrap
      ? { name: 'bubblewrap', level: 'ok', detail: f.bwrap }
      : { name: 'bubblewrap', level: 'warn', detail: 'bwrap not found: agent commands cannot be sandboxed', fix: 'install bubblewrap (apt install bubblewrap / dnf install bubblewrap)' },
  );
  if (!f.remote) out.push({ name: 'forge', level: 'info', detail: 'no remote: finished work merges locally into the target branch' });
  else if (!f.remote.github) out.push({ name: 'forge', level: 'info', detail: `remote ${f.remote.name} (${f.remote.url}) is not a GitHub repository: local merges` });
  else if (f.token?.ok) out.push({ name: 'forge', level: 'ok', detail: `GitHub ${f.remote.github.owner}/${f.remote.github.repo} on ${f.remote.github.host}; token from ${f.token.source}` });
  else out.push({ name: 'forge', level: 'warn', detail: `GitHub ${f.remote.github.owner}/${f.remote.github.repo}: ${f.token?.ok === false ? f.token.problem : 'no token'}`, ...(f.token?.ok === false ? { fix: f.token.fix } : {}) });
  return out;
}

function versionAtLeast(v: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(v);
  if (!m) return false;
  return Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor);
}

/** The version verdict without repeating the name and version the line already starts with. */
function support(a: { label: string; version?: string; support?: { message: string } }): string {
  const msg = a.support?.message ?? '';
  const head = `${a.label} ${a.version ?? ''} `;
  if (!msg) return '';
  return msg.startsWith(head) ? ` ${msg.slice(head.length)}` : `; ${msg}`;
}
