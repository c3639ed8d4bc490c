import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { oneShotTurn, type BackendFor } from '../engine/index.js';
// PERF: not forge/index.js, and Octokit only once a GitHub source asks for its API (issue 12: daemon start).
import { hostOfBaseUrl, repositoryFromRemote } from '../forge/remote.js';
import { discoverToken } from '../forge/token.js';
import type { GitRunner } from '../git/index.js';
import { configuredSources, type PlanSource, type SourceFactories } from '../sources/index.js';
import { createGitHubSource, octokitIssues } from '../sources/github/index.js';
import { bdRunner, createBeadsSource } from '../sources/beads/index.js';
import { createBacklogSource } from '../sources/backlog/index.js';
import type { ChildTracker } from './children.js';

export interface SourceDeps {
  config: Config;
  root: string;
  git: GitRunner;
  env: NodeJS.ProcessEnv;
  stateDir: string;
  /** Read-only agents: the planner reads the repository, never edits it. */
  readOnlyAgents: BackendFor;
  log: (msg: string) => void;
  /** Tracker CLIs (`bd`) started for a source: the daemon ends them when it stops. */
  children?: ChildTracker;
}

const PLANNER_TIMEOUT_MS = 5 * 60_000;

/** One planner-role turn in the repository with read-only tools; the answer's text (throws when it failed). */
export function createPlannerAsk(d: Pick<SourceDeps, 'config' | 'root' | 'readOnlyAgents'>): (prompt: string) => Promise<string> {
  let n = 0;
  return async (prompt) => {
    const agent = d.readOnlyAgents(d.config.roles.planner || null);
    const out = await oneShotTurn(agent, { runId: `planner-${Date.now().toString(36)}-${n++}`, cwd: d.root, prompt }, { timeoutMs: PLANNER_TIMEOUT_MS });
    if (!out.ok) throw new Error(`the planner (${agent.name}) failed: ${out.error ?? `exit code ${String(out.exitCode)}`}`);
    return out.resultText;
  };
}

/** Every source `[sources]` turns on, wired to the forge's repository and token and to the planner role. */
export function createSources(d: SourceDeps): PlanSource[] {
  const factories: SourceFactories = {};
  const gh = d.config.sources.github;
  if (gh !== false) {
    const cfg = d.config.forge;
    let api: Promise<ReturnType<typeof octokitIssues>> | undefined;
    const resolveApi = async () => {
      const baseUrl = cfg.base_url || undefined;
      const host = hostOfBaseUrl(baseUrl);
      let owner = cfg.owner;
      let repo = cfg.repo;
      if (!owner || !repo) {
        const r = await repositoryFromRemote(d.git, d.root, { host, remote: cfg.remote });
        if (!r.ok) throw new Error(`${r.problem}; ${r.fix}`);
        owner ||= r.owner;
        repo ||= r.repo;
      }
      const token = await discoverToken({ env: d.env, host });
      if (!token.ok) throw new Error(`${token.problem}; ${token.fix}`);
      const { createGitHubClient } = await import('../forge/github/client.js');
      return octokitIssues(createGitHubClient({ token: token.token, ...(baseUrl ? { baseUrl } : {}), timeoutMs: cfg.request_timeout_seconds * 1000 }), owner, repo);
    };
    factories.github = () =>
      createGitHubSource({
        api: () => (api ??= resolveApi().catch((e: unknown) => {
          api = undefined; // the next sync tries again (a token exported meanwhile)
          throw e;
        })),
        label: gh.label,
        refinementLabel: gh.refinement_label,
        readinessCheck: gh.readiness_check,
        closeOnMerge: gh.close_on_merge,
        askPlanner: createPlannerAsk(d),
        cacheFile: join(d.stateDir, 'sources', 'github-readiness.json'),
        log: d.log,
      });
  }
  const beads = d.config.sources.beads;
  if (beads !== false) {
    factories.beads = () => createBeadsSource({ bd: bdRunner(beads.command, d.root, d.env, { ...(d.children ? { track: d.children.track } : {}) }), epic: beads.epic, claim: beads.claim, actor: beads.actor, log: d.log });
  }
  const backlog = d.config.sources.backlog;
  if (backlog !== false) {
    factories.backlog = () => createBacklogSource({ root: d.root, dir: backlog.dir, doneStatus: backlog.done_status, inProgressStatus: backlog.in_progress_status });
  }
  return configuredSources(d.config, d.root, factories);
}
