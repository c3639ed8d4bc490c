import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createPaths } from '../paths/index.js';
import { loadConfig, formatIssue as formatConfigIssue } from '../config/index.js';
import { createGit, defaultBranch, noDefaultBranchReason, repoRoot } from '../git/index.js';
import { createAgentResolver, versionSupport } from '../agents/index.js';
import { probeEndpoint } from './probe.js';
import { detectBwrap } from '../sandbox/index.js';
import { notifyChecks } from './notify.js';

const endpointEnv = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter(([k]) => /BASE_URL|API_KEY|AUTH_TOKEN/.test(k)));

export interface Check {
  name: string;
  ok: boolean;
  /** `warn` checks do not fail the doctor. */
  level: 'error' | 'warn' | 'info';
  detail: string;
  fix?: string;
}

/** What an agent's sandbox lets it reach on the network. */
function networkCheck(sandbox: { mode: 'auto' | 'bwrap' | 'off'; network: 'proxy' | 'host'; allow_hosts: string[] }, path: string): Check | undefined {
  if (sandbox.mode === 'off') return undefined;
  const found = detectBwrap(path);
  if (!found.ok) return undefined;
  const extra = sandbox.allow_hosts.length > 0 ? `, and ${sandbox.allow_hosts.join(', ')}` : ' ([sandbox] allow_hosts adds registries: "@registries")';
  if (sandbox.network === 'proxy' && found.net) {
    return { name: 'sandbox network', ok: true, level: 'info', detail: `proxy: an agent has its own network namespace; it reaches its model API, Orch's MCP route and, through an allow-list proxy, the model providers' APIs${extra}. Services on this machine's 127.0.0.1 and abstract Unix sockets are out of its reach` };
  }
  const why = sandbox.network === 'host' ? '[sandbox] network = "host"' : found.net ? '' : found.netReason;
  return {
    name: 'sandbox network', ok: false, level: 'warn',
    detail: `host network shared (${why}): an agent can connect to every service on 127.0.0.1 (databases, dev servers, docker over TCP) and to abstract Unix sockets (X11)`,
    fix: sandbox.network === 'host' ? 'set [sandbox] network = "proxy" in ~/.config/orch/config.toml' : 'let bubblewrap create network namespaces (unprivileged user namespaces with CAP_NET_ADMIN inside them)',
  };
}

/** What protects agents on this machine, and what to install when nothing does. */
function sandboxCheck(mode: 'auto' | 'bwrap' | 'off', path: string): Check {
  if (mode === 'off') return { name: 'sandbox', ok: false, level: 'warn', detail: 'off ([sandbox] mode = "off"): agents run with all the rights of your user', fix: 'set [sandbox] mode = "auto" (the default) to contain agents with bubblewrap' };
  const found = detectBwrap(path);
  if (found.ok) return { name: 'sandbox', ok: true, level: 'info', detail: `bwrap ${found.version} (${found.bwrap}): each agent sees its worktree and its CLI's own config; your home, Orch's state and other worktrees are hidden` };
  return { name: 'sandbox', ok: false, level: mode === 'bwrap' ? 'error' : 'warn', detail: `nothing contains agents: ${found.reason}`, fix: found.fix };
}

/** Everything Orch needs before it can run a task here, each with what to do when it is missing. */
export async function runDoctor(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ ok: boolean; checks: Check[] }> {
  const checks: Check[] = [];
  const git = createGit();
  const v = await git.run(['--version'], { cwd });
  const version = /(\d+)\.(\d+)/.exec(v.stdout);
  const gitOk = v.exitCode === 0 && !!version && (Number(version[1]) > 2 || (Number(version[1]) === 2 && Number(version[2]) >= 38));
  checks.push({ name: 'git', ok: gitOk, level: 'error', detail: v.stdout.trim() || 'git not found', fix: gitOk ? undefined : 'install git 2.38 or newer (Orch merges with git merge-tree --write-tree)' });
  const root = await repoRoot(git, cwd);
  checks.push({ name: 'repository', ok: !!root, level: 'error', detail: root ?? `${cwd} is not inside a git repository`, fix: root ? undefined : 'run orch in your project checkout, or git init it' });
  if (!root) return { ok: false, checks };
  const allPaths = createPaths(env);
  const loaded = loadConfig({ paths: allPaths, root });
  if (!loaded.ok) {
    checks.push({ name: 'config', ok: false, level: 'error', detail: loaded.error.issues.map(formatConfigIssue).join('\n'), fix: 'fix the keys named above' });
    return { ok: false, checks };
  }
  checks.push({ name: 'config', ok: true, level: 'info', detail: loaded.sources.length ? `read ${loaded.sources.join(', ')}` : 'no config files; using defaults' });
  for (const w of loaded.warnings) checks.push({ name: 'config', ok: false, level: 'warn', detail: w.message });
  const config = loaded.config;
  const target = config.target_branch || (await defaultBranch(git, root));
  const targetSha = target ? (await git.run(['rev-parse', '--verify', '--quiet', `refs/heads/${target}`], { cwd: root })).stdout.trim() : '';
  checks.push({
    name: 'target branch',
    ok: !!targetSha,
    level: 'error',
    detail: target ? `${target}${targetSha ? ` at ${targetSha.slice(0, 10)}` : ' does not exist'}` : (await noDefaultBranchReason(git, root)).replace(/; .*/, ''),
    fix: targetSha ? undefined : target ? 'make a first commit, or set target_branch in .orch/config.toml' : (await noDefaultBranchReason(git, root)).replace(/^[^;]*; /, ''),
  });
  const plans = join(root, config.plans_dir);
  checks.push({ name: 'plans', ok: existsSync(plans), level: 'warn', detail: existsSync(plans) ? plans : `${plans} does not exist`, fix: existsSync(plans) ? undefined : `\`orch onboard\` writes a starter plan, or create ${config.plans_dir}/<module>/epic-01-<slug>.md (see README)` });
  const resolve = createAgentResolver(config, env);
  const names = new Set<string>(['default', ...Object.keys(config.agents), ...Object.values(config.roles).filter(Boolean)]);
  const probed = new Set<string>();
  for (const name of names) {
    try {
      const agent = resolve(name === 'default' ? null : name);
      const c = await agent.backend.check();
      checks.push({
        name: `agent ${agent.name}`,
        ok: c.ok,
        level: name === 'default' || name === config.roles.coder ? 'error' : 'warn',
        detail: c.ok ? `${agent.backendId}: ${c.command}${c.version ? ` (${c.version})` : ''}` : `${agent.backendId}: ${c.error}`,
      });
      const v = c.ok ? versionSupport(agent.backendId, c.version) : undefined;
      if (v?.status === 'unsupported') checks.push({ name: `agent ${agent.name} version`, ok: false, level: 'warn', detail: v.message });
      const key = `${agent.backendId} ${JSON.stringify(endpointEnv(agent.env))}`;
      if (!probed.has(key)) {
        probed.add(key);
        const p = await probeEndpoint(agent.backendId, agent.env);
        if (p) {
          const ok = p.outcome === 'ok' || p.outcome === 'no-credentials';
          checks.push({
            name: `agent ${agent.name} endpoint`,
            ok,
            // The public default may simply be out of reach from here (offline CI); a gateway the user set is meant to answer.
            level: p.outcome === 'rejected' || (p.custom && p.outcome === 'unreachable') ? 'error' : 'warn',
            detail: `${p.url} ${p.detail}`,
            fix: ok ? undefined : p.outcome === 'rejected' ? 'check the API key the agent gets (agent.env, or the variable in your shell), then `orch daemon restart`' : 'check the base URL (ANTHROPIC_BASE_URL, OPENAI_BASE_URL, GOOGLE_GEMINI_BASE_URL) and that the gateway runs, then `orch daemon restart`',
          });
        }
      }
    } catch (e) {
      checks.push({ name: `agent ${name}`, ok: false, level: 'error', detail: (e as Error).message });
    }
  }
  const box = sandboxCheck(config.sandbox.mode, env.PATH ?? '');
  checks.push(box);
  const net = networkCheck(config.sandbox, env.PATH ?? '');
  if (net) checks.push(net);
  const paths = allPaths.project(root);
  checks.push(...(await notifyChecks(config, env, allPaths.configDir, paths.stateDir)));
  checks.push({ name: 'state', ok: true, level: 'info', detail: `${paths.stateDir} (worktrees in ${paths.worktreesDir})` });
  return { ok: checks.every((c) => c.ok || c.level !== 'error'), checks };
}
