import { cliCredentialValues, createRedactor, secretValues } from '../secrets/index.js';
import { createPaths, secureStateDir, type OrchPaths, type ProjectPaths } from '../paths/index.js';
import { formatWarning, loadConfig, type Config } from '../config/index.js';
import { createStore, type Store } from '../store/index.js';
import type { SessionKeep } from './session.js';
import { createGit, defaultBranch, noDefaultBranchReason, repoPlace } from '../git/index.js';
import { commandEnv, createAgentResolver, isAlive, isOurProcess, killGroup, sanitizeEnv } from '../agents/index.js';
import { createEngine, RUN_ENV_KEY, type ContainFor, type Engine } from '../engine/index.js';
// PERF: the two files, not forge/index.js, whose GitHub forge loads Octokit at start (issue 12); forge.ts loads it.
import { hostOfBaseUrl, remoteMayGetCredentials } from '../forge/remote.js';
import { tokenVariables } from '../forge/token.js';
import { claudeStateFiles, cliExecConfig, cliManagedConfig, createSandboxer, detectBwrapAsync, guardGit, worktreeGitDir, type Sandboxer } from '../sandbox/index.js';
import type { Contain } from '../agents/index.js';
import { createRepoPort } from './repo.js';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND_KINDS, COMMAND_TIMEOUT_MS, mcpServerEnv, ORCH_MCP_TOOLS, runProjectCommand } from '../mcp/index.js';
import type { Verification } from '../api/index.js';
import type { ClusterService } from '../cluster/index.js';
import { createSources } from './sources.js';
import { createDaemonDecomposer } from './decompose.js';
import type { Decomposer } from '../decompose/index.js';
import { createNotifier, createTelegramReplies, notifyStateFile, readSecret, secretsFileValues, type Notifier, type TelegramReplies } from '../notify/index.js';
import { VERSION } from '../version.js';
import { createAnswerInbox, type AnswerInbox } from '../questions/index.js';
import { createLessons, type Lessons } from '../lessons/index.js';
import { createChildTracker } from './children.js';

/** The seq of the last event that became a notification (meta key). */
const NOTIFY_CURSOR = 'notify.seq';
/** Lesson ids removed with `orch lessons remove` (meta key, a JSON array). */
const REMOVED_LESSONS = 'lessons.removed';
const mcpEntry = fileURLToPath(new URL('../mcp/main.js', import.meta.url));

export interface ComposeOptions {
  /** Any directory inside the project's git repository. */
  root: string;
  env?: NodeJS.ProcessEnv;
  log?: (msg: string) => void;
  /**
   * Filled in by the server once it listens; agents' MCP servers call the daemon there, each with a token that
   * only carries its own run's signals (never the admin token).
   */
  address?: { url?: string; runToken: (runId: string) => string };
  /**
   * Called once the project's paths are known and before anything is opened (store, queues, sources): the
   * daemon takes its one-per-project lock here, so a second starter never touches the state.
   */
  claim?: (paths: ProjectPaths) => void;
}

export class ProjectError extends Error {
  override readonly name = 'ProjectError';
}

/** The one place where the daemon's services are created and wired. */
export async function composeDaemon(o: ComposeOptions): Promise<{
  root: string;
  paths: ProjectPaths;
  allPaths: OrchPaths;
  config: Config;
  /** The config's warnings (unknown keys, file:line, did-you-mean), said again by every command that asks the daemon. */
  configWarnings: string[];
  targetBranch: string;
  engine: Engine;
  decomposer: Decomposer;
  sandbox: Sandboxer;
  webSessions: SessionKeep;
  meta: Store['meta'];
  notifier: Notifier;
  /** `[notify]` changed (config reload): its channels' secrets blanked like those read at start, channels rebuilt. */
  reloadNotify: (config: Config) => void;
  answers: AnswerInbox;
  lessons: Lessons;
  /** Replies to Telegram messages answer questions, when [notify.telegram] is set (made again when it changes). */
  readonly telegram: TelegramReplies | undefined;
  cluster?: ClusterService;
  /** Ends the helper processes sources started (a `bd` call), waiting for them; before `close`. */
  endChildren: () => Promise<void>;
  close: () => void;
}> {
  const env = o.env ?? process.env;
  const log = o.log ?? (() => undefined);
  const children = createChildTracker();
  const git = createGit();
  const checkout = await repoPlace(git, o.root);
  const root = checkout?.root;
  if (!root) throw new ProjectError(`${o.root} is not inside a git repository; run orch from your project's checkout (or \`git init\` it first)`);
  const allPaths = createPaths(env);
  const paths = allPaths.project(root);
  o.claim?.(paths);
  const loaded = loadConfig({ paths: allPaths, root });
  if (!loaded.ok) throw loaded.error;
  for (const w of loaded.warnings) log(`config: ${w.message}`);
  const config = loaded.config;
  // Orch's own git calls run no repository hooks unless the user's config opts in.
  const projectGit = createGit({ hooks: config.sandbox.git_hooks });
  // PERF: the sandbox check (two bwrap processes) runs while git answers the questions below (issue 12).
  const sandboxCheck = config.sandbox.mode === 'off' ? undefined : detectBwrapAsync(env.PATH ?? '', join(allPaths.stateDir, 'sandbox-check.json'));
  const commonDir = checkout.commonDir;
  const targetBranch = config.target_branch || (await defaultBranch(git, root));
  const found = sandboxCheck ? await sandboxCheck : undefined;
  const sandbox = createSandboxer(config.sandbox.mode, env.PATH ?? '', found ? () => found : undefined, { mode: config.sandbox.network, allowHosts: config.sandbox.allow_hosts });
  log(`sandbox: ${sandbox.note}`);
  // Every agent CLI's command-running config, where the agents' environment puts it: no agent may plant any (issue 9).
  const clis = ['claude', 'codex', 'gemini', 'opencode', 'goose'];
  const cliEnv = { ...env, ...config.agent.env };
  const cliConfig = [...new Set(clis.flatMap((b) => cliExecConfig(b, cliEnv)))];
  const cliManaged = clis.flatMap((b) => cliManagedConfig(b, cliEnv));
  const cliState = claudeStateFiles(cliEnv);
  const containFor: ContainFor = (place) =>
    sandbox.contain({
      worktree: place.cwd,
      root,
      orchDirs: [allPaths.stateDir, allPaths.dataDir, allPaths.configDir],
      extraWritable: config.sandbox.writable,
      privateDir: join(allPaths.stateDir, 'sandbox'),
      // The daemon's address (the MCP server inside calls it), known once it listens.
      ...(o.address?.url ? { endpoints: [o.address.url] } : {}),
      // The planner works in the user's own checkout: it sees what git tracks, not their .env.
      ...(place.cwd === root ? { hideUntracked: true } : {}),
      ...(place.backendId ? { backendId: place.backendId } : {}),
      ...(place.readOnly ? { readOnly: true } : {}),
      // A run's worktree brings its git dirs (read-only .git, writable objects); a scratch dir brings nothing.
      ...(place.runId ? { commonDir, configDir: join(paths.stateDir, 'runs', place.runId) } : {}),
      ...(place.runId ? optional('gitDir', worktreeGitDir(place.cwd)) : {}),
    });
  if (!targetBranch) throw new ProjectError(`cannot tell the target branch of ${root}: ${await noDefaultBranchReason(git, root)}`);
  // Every secret value of the daemon's environment (provider keys, tokens) and every known secret shape is blanked
  // from what Orch stores (events, signals, run errors and verification), logs and posts (PR bodies).
  const redact = createRedactor(secretValues(env));
  // The channels' secrets (a Slack URL is not named like one) are blanked too, wherever they come from.
  const secretsFile = join(allPaths.configDir, 'secrets.env');
  for (const v of secretsFileValues(secretsFile)) redact.add(v);
  // What the agent CLIs' own credential files hold: the agent can read them.
  for (const v of cliCredentialValues(env)) redact.add(v);
  const redactNotifySecrets = (c: Config): void => {
    for (const name of notifySecretNames(c)) {
      const s = readSecret(name, env, secretsFile);
      if (s.ok) redact.add(s.value);
    }
  };
  redactNotifySecrets(config);
  secureStateDir(paths.stateDir);
  const store = createStore(paths.dbFile, { redact, eventsKept: config.daemon.events_kept });
  const redisUrl = env.ORCH_REDIS_URL || config.cluster.redis_url;
  // BullMQ and ioredis load only when there is a cluster (a second of start-up otherwise spent for nothing).
  const cluster = redisUrl
    ? (await import('../cluster/service.js')).createClusterService({ cfg: { ...config.cluster, redis_url: redisUrl }, agentTimeoutMs: config.agent.timeout_minutes * 60_000, root, projectKey: paths.key, stateDir: paths.stateDir, targetBranch, ...(commonDir ? { commonDir } : {}), log })
    : undefined;
  await cluster?.ready();
  const resolveAgent = createAgentResolver(config, env);
  let notifier: Notifier | undefined;
  const lessons = createLessons({
    root,
    moduleOf: (id) => store.tasks.get(id)?.module,
    removed: {
      get: () => JSON.parse(store.meta.get(REMOVED_LESSONS) ?? '[]') as string[],
      set: (ids) => store.meta.set(REMOVED_LESSONS, JSON.stringify(ids)),
    },
    log,
  });
  const engine = createEngine({
    root,
    projectKey: paths.key,
    logsDir: paths.logsDir,
    worktreesDir: paths.worktreesDir,
    config,
    targetBranch,
    store,
    repo: createRepoPort(projectGit, root, {
      remoteCredentials: async (remote) => {
        if (config.forge.kind !== 'github') return false;
        const host = hostOfBaseUrl(config.forge.base_url || undefined);
        return (await remoteMayGetCredentials(projectGit, root, { remote, host, direction: 'fetch' })) ? tokenVariables(host) : false;
      },
    }),
    // PERF: Octokit is loaded only for a project that uses GitHub (issue 12: daemon start and idle RSS).
    forge: config.forge.kind === 'github' ? (await import('./forge.js')).createGitHubPort(projectGit, root, config.forge, env, redact) : undefined,
    procs: {
      isAlive,
      isOurs: (pid, runId) => isOurProcess(pid, { envKey: RUN_ENV_KEY, envValue: runId }),
      killGroup: async (pgid, graceMs) => {
        await killGroup(pgid, graceMs);
      },
    },
    // With a cluster, an agent's turn goes to a worker when one can take it, and runs here otherwise.
    backendFor: cluster ? (name) => cluster.wrap(resolveAgent(name)) : resolveAgent,
    verify: createVerifier(config, env, COMMAND_TIMEOUT_MS, (worktree) => containFor({ cwd: worktree })),
    containFor,
    guardFor: (run) => (commonDir ? guardGit({ commonDir, worktree: run.worktree, cliConfig, cliManaged, cliState, worktreesDir: join(allPaths.dataDir, 'worktrees'), ...optional('gitDir', worktreeGitDir(run.worktree)) }) : undefined),
    reviewerFor: createAgentResolver(config, env, { readOnly: true }),
    log,
    sources: createSources({ config, root, git, env, stateDir: paths.stateDir, readOnlyAgents: createAgentResolver(config, env, { readOnly: true }), log, children }),
    userConfigDir: allPaths.configDir,
    scheduleFiles: [join(allPaths.configDir, 'schedule.toml'), join(root, '.orch', 'schedule.toml')],
    redact,
    observe: (e) => {
      notifier?.onEvent(e);
      cluster?.observe(e);
    },
    lessons: (module) => lessons.forPrompt(module),
    ...(env.ORCH_FAULT_AT ? { fault: faultAt(env.ORCH_FAULT_AT, log) } : {}),
    mcpFor: (run) => {
      const a = o.address;
      if (!a?.url) return undefined;
      const env = mcpServerEnv({ daemonUrl: a.url, token: a.runToken(run.id), runId: run.id, commands: config.commands, answerWaitMs: config.agent.answer_wait_seconds * 1000, cluster: cluster !== undefined });
      return { command: process.execPath, args: [mcpEntry], env, tools: [...ORCH_MCP_TOOLS], configDir: join(paths.stateDir, 'runs', run.id) };
    },
  });
  // Writing an answer (file or chat reply) is asking for work, like `orch answer`.
  const answerQuestion = (id: string, text: string, by: string): void => {
    engine.activate();
    engine.answer(id, { answer: text }, by);
  };
  const makeTelegram = (cfg: Config['notify']['telegram']): TelegramReplies | undefined =>
    cfg ? createTelegramReplies({ cfg, env, secretsFile, stateFile: join(paths.stateDir, 'telegram.json'), open: () => engine.questions(), answer: answerQuestion, log }) : undefined;
  let telegram = makeTelegram(config.notify.telegram);
  let telegramCfg = JSON.stringify(config.notify.telegram);
  const decomposer = createDaemonDecomposer({ config, root, git: projectGit, targetBranch, readOnlyAgents: createAgentResolver(config, env, { readOnly: true }), containFor, log });
  const notify = createNotifier({
    config: config.notify,
    timezone: config.timezone,
    env,
    secretsFile,
    stateFile: notifyStateFile(paths.stateDir),
    project: basename(root),
    version: VERSION,
    log,
    redact,
    batch: (id) => {
      try {
        return engine.batch(id);
      } catch {
        return undefined;
      }
    },
    notifyOnComplete: (id) => engine.scheduleOf(id)?.notifyOnComplete,
    report: (id) => engine.report({ batch: id }),
    sent: (channel, n, messageId) => {
      if (channel === 'telegram') telegram?.sent(n, messageId);
    },
    outbox: store.outbox,
    events: store.events,
    cursor: {
      get: () => {
        const v = store.meta.get(NOTIFY_CURSOR);
        return v === undefined ? undefined : Number(v);
      },
      set: (seq) => store.meta.set(NOTIFY_CURSOR, String(seq)),
    },
  });
  notifier = notify;
  // Events of the engine's start (recovery) and of a daemon killed between an event and its notice.
  notify.replay();
  const answers = createAnswerInbox({
    dir: join(root, '.orch', 'answers'),
    open: () => engine.questions(),
    answer: answerQuestion,
    log,
  });
  return {
    root,
    paths,
    allPaths,
    config,
    configWarnings: loaded.warnings.map(formatWarning),
    targetBranch,
    engine,
    decomposer,
    sandbox,
    // The web page's sessions and the port last listened on, kept in the store across restarts.
    webSessions: store.webSessions,
    meta: store.meta,
    notifier: notify,
    reloadNotify: (c) => {
      redactNotifySecrets(c);
      notify.reconfigure(c.notify);
      // [notify.telegram] changed: the reply poller is made again (its place in telegram.json is kept on disk).
      const next = JSON.stringify(c.notify.telegram);
      if (next === telegramCfg) return;
      telegramCfg = next;
      telegram?.stop();
      telegram = makeTelegram(c.notify.telegram);
      telegram?.start();
      log(telegram ? 'telegram replies: polling with the new [notify.telegram]' : 'telegram replies: off ([notify.telegram] removed)');
    },
    answers,
    lessons,
    get telegram() {
      return telegram;
    },
    ...(cluster ? { cluster } : {}),
    endChildren: () => children.endAll(),
    close: () => {
      notify.stop();
      answers.stop();
      telegram?.stop();
      void cluster?.close();
      store.close();
    },
  };
}

/**
 * Fault injection (tests only): `ORCH_FAULT_AT=schedule.intent` kills the daemon with SIGKILL the first time it reaches
 * that point (`schedule.intent`, `schedule.started`, `budget.warning`, `budget.exceeded`), as a power cut would. A daemon started again without the variable
 * shows what survives.
 */
function faultAt(point: string, log: (msg: string) => void): (at: string) => void {
  return (at) => {
    if (at !== point) return;
    log(`fault injection: killed at ${at} (ORCH_FAULT_AT)`);
    process.kill(process.pid, 'SIGKILL');
  };
}

/** The variables that hold the notification channels' secrets. */
function notifySecretNames(config: Config): string[] {
  const n = config.notify;
  return [n.slack ? n.slack.webhook_url_env : '', n.telegram ? n.telegram.token_env : '', n.webhook ? n.webhook.url_env : '', n.webhook ? n.webhook.secret_env : ''].filter(Boolean);
}

const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

type AgentConfig = Config['agent'];
/**
 * The project's own build, test and lint (`[commands]`) run in a finished run's worktree, in that order, each with a
 * timeout, with the agent's sanitised environment. A command that cannot start is recorded as failed with the reason.
 */
export function createVerifier(
  config: Config,
  env: NodeJS.ProcessEnv,
  timeoutMs = COMMAND_TIMEOUT_MS,
  // The project's commands run code the agent wrote: inside the same sandbox as the agent.
  contain: (worktree: string) => Contain | undefined = () => undefined,
): (worktree: string, signal?: AbortSignal) => Promise<Verification[]> {
  const childEnv = commandEnv(sanitizeEnv(env, config.agent.env, { allow: config.agent.pass_env }), config.agent.pass_env);
  return async (worktree, signal) => {
    const out: Verification[] = [];
    for (const kind of COMMAND_KINDS) {
      const argv = config.commands[kind];
      if (argv.length === 0) continue;
      if (signal?.aborted) break;
      const box = contain(worktree);
      const r = await runProjectCommand({ kind, argv, cwd: worktree, env: childEnv, timeoutMs, maxOutputChars: 4000, ...(signal ? { signal } : {}), ...(box ? { contain: box } : {}) });
      out.push({
        kind,
        ok: r.ok,
        command: r.result?.command ?? argv.join(' '),
        exitCode: r.result?.exitCode ?? null,
        timedOut: r.result?.timedOut ?? false,
        durationMs: r.result?.durationMs ?? 0,
        outputTail: r.result?.outputTail ?? r.text,
      });
    }
    return out;
  };
}
