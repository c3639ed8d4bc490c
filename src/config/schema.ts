import { z } from 'zod';
import { projectRuleSchema } from '../review/index.js';
import { DEFAULT_ALLOWED_TOOLS } from '../agents/claude/tools.js';
import { SourcesSchema } from './sources-schema.js';
import { NotifySchema } from './notify-schema.js';
import { WorkflowSchema } from './workflow-schema.js';

/**
 * Environment variable names that look like secrets. Secrets come from the user's environment, never from
 * a config file (config files get committed, copied into bug reports and shown in the TUI).
 */
export const SECRET_NAME = /(_KEY$|_TOKEN$|SECRET|PASSWORD)/i;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const SECRET_MESSAGE = 'looks like a secret; secrets must come from the environment, not config files';

const EnvName = z
  .string()
  .regex(ENV_NAME, 'must be an environment variable name (letters, digits, _)')
  .refine((name) => !SECRET_NAME.test(name), { message: SECRET_MESSAGE, params: { secret: true } });

/** A git branch name Orch can pass as one argv element without it being read as an option. */
const BRANCH = /^(?!-)(?!.*\.\.)[^\s~^:?*[\\]*$/;

export const MERGE_STRATEGIES = ['squash'] as const;
export const AGENT_BACKENDS = ['claude', 'codex', 'gemini', 'opencode', 'goose'] as const;
export const PERMISSION_MODES = ['default', 'acceptEdits', 'auto', 'plan', 'dontAsk', 'bypassPermissions'] as const;

export { DEFAULT_ALLOWED_TOOLS };

const AgentSchema = z
  .object({
    backend: z
      .enum(AGENT_BACKENDS)
      .default('claude')
      .describe('Which coding-agent CLI runs the tasks: claude (Claude Code), codex, gemini (Gemini CLI), opencode or goose.'),
    command: z
      .string()
      .default('')
      .describe('Path or name of the agent CLI executable. "" = look it up on PATH.'),
    args: z
      .array(z.string())
      .default(() => [])
      .describe('Extra arguments appended to the agent command line, one array element per argument.'),
    model: z.string().default('').describe('Model passed to the agent CLI. "" = the CLI\'s own default.'),
    system_prompt: z.string().default('').describe('Text appended to the agent\'s system prompt for every run. "" = none.'),
    permission_mode: z
      .enum(PERMISSION_MODES)
      .default('acceptEdits')
      .describe('Claude Code --permission-mode for agent runs.'),
    allowed_tools: z
      .array(z.string().min(1))
      .default(() => [...DEFAULT_ALLOWED_TOOLS])
      .describe('Tools the agent may use without asking (Claude Code --allowedTools rules, e.g. "Bash(npm test:*)").'),
    disallowed_tools: z
      .array(z.string().min(1))
      .default(() => [])
      .describe("Tools the agent may not use, added to Orch's built-in deny-list (which forbids pushing and rewriting history)."),
    max_turns: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(0)
      .describe('Maximum agent turns per run. 0 = no limit.'),
    timeout_minutes: z
      .number()
      .int()
      .min(1)
      .max(10_080)
      .default(60)
      .describe('A run still going after this many minutes is stopped and marked failed.'),
    stuck_minutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(15)
      .describe('An agent with no output for this many minutes is stopped and its run waits for guidance (orch resume TASK --guidance ...).'),
    answer_wait_seconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .default(120)
      .describe("How long an agent's question waits for an answer inside its turn; after that the agent ends its turn and the run waits, resuming with the answer."),
    question_timeout: z
      .string()
      .regex(/^(|(\d+d)?\s*(\d+h)?\s*(\d+m)?)$/, 'must be a duration such as "4h", "90m" or "1d 2h", or ""')
      .default('')
      .describe('A question for a person still unanswered after this long ("4h", "90m") is notified again and its run is parked with that reason. "" = never.'),
    max_retries: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(3)
      .describe('Transient failures (rate limit, overload, timeouts, 5xx) retried with exponential backoff and jitter before a run fails.'),
    max_test_failures: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(3)
      .describe('A run whose tests still fail after this many test runs in a row waits for a human. 0 = never.'),
    pass_env: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, 'a variable name, optionally ending in *'))
      .default(() => [])
      .describe(
        'Names of environment variables (a trailing * matches a prefix) passed from your environment to agents, beyond the built-in list (PATH, HOME, locale, proxies, ANTHROPIC_*, CLAUDE_*, cloud provider credentials).',
      ),
    env: z
      .record(EnvName, z.string())
      .default(() => ({}))
      .describe(
        'Extra environment variables for the agent (non-secret values only). Secrets such as API keys come from your environment, not from config files.',
      ),
  })
  .describe('The coding agent that works on tasks.');

const AGENT_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

const RolesSchema = z
  .object({
    coder: z.string().default('').describe('Agent (a name under [agents], or a backend id) that implements tasks. "" = [agent].'),
    reviewer: z.string().default('').describe('Agent that reviews changes. "" = [agent].'),
    tester: z.string().default('').describe('Agent that writes and runs tests. "" = [agent].'),
    planner: z.string().default('').describe('Agent that answers questions from the plan and decomposes plans. "" = [agent].'),
  })
  .describe('Which agent plays which role.');

const Argv = z.array(z.string().min(1)).default(() => []);
const CommandsSchema = z
  .object({
    build: Argv.describe('Build command as an argv array (no shell), e.g. ["npm", "run", "build"]. [] = none.'),
    test: Argv.describe('Test command as an argv array, e.g. ["npm", "test"]. [] = none.'),
    lint: Argv.describe('Lint command as an argv array, e.g. ["npx", "eslint", "."]. [] = none.'),
  })
  .describe("The project's build, test and lint commands, offered to agents as MCP tools that run in their worktree.");

const ReviewSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Classify every finished change; routine ones merge by themselves, flagged ones wait for `orch pr merge`.'),
    rules: z
      .array(projectRuleSchema)
      .default(() => [])
      .describe('Project rules: { category = "security"|"migrations"|"architecture", paths = [globs], patterns = [regexes], reason = "..." }.'),
    review_owners: z.array(z.string()).default(() => []).describe('CODEOWNERS owners (e.g. "@org/security") whose files always need a human.'),
    max_changed_lines: z.number().int().min(1).default(2000).describe('A change larger than this is flagged as too big to merge unseen.'),
    reviewer_agent: z
      .string()
      .default('')
      .describe(
        'An agent that also reads every change (read-only tools) and answers routine or flag with reasons: "reviewer" = the reviewer role ([roles] reviewer), or a name under [agents], or a backend id. Its verdict can only add a flag, never remove one. "" = none.',
      ),
  })
  .describe('Review routing: which changes merge by themselves and which wait for a human.');

const ForgeSchema = z
  .object({
    kind: z.enum(['local', 'github']).default('local').describe('"local": merge into the target branch of this repository, no forge. "github": push, open a pull request, wait for checks, merge through GitHub.'),
    remote: z.string().min(1).default('origin').describe('The git remote Orch pushes run branches to.'),
    base_url: z.string().default('').describe('GitHub API URL. "" = https://api.github.com; GitHub Enterprise: https://HOST/api/v3.'),
    owner: z.string().default('').describe('Repository owner on the forge. "" = read from the remote URL.'),
    repo: z.string().default('').describe('Repository name on the forge. "" = read from the remote URL.'),
    label: z.string().min(1).default('needs-human-review').describe('Label put on pull requests that wait for a human.'),
    max_fix_attempts: z.number().int().min(0).max(10).default(2).describe('How many times failing checks go back to the agent (same session) before a human is asked.'),
    required_checks: z.array(z.string().min(1)).default(() => []).describe('Checks that must report before a PR merges; with none reported yet, Orch waits instead of merging an unchecked PR.'),
    check_poll_seconds: z.number().int().min(1).max(3600).default(15).describe('How often the checks of an open pull request are polled.'),
    request_timeout_seconds: z.number().int().min(1).max(600).default(30).describe('How long one forge API request may take before it is abandoned and retried.'),
  })
  .describe('Where finished work goes: local merges, or pull requests on GitHub. Tokens come from GITHUB_TOKEN, GH_TOKEN or `gh auth token`, never from config.');

const WritebackSchema = z
  .object({
    readme: z
      .boolean()
      .default(true)
      .describe('Update the 🔴/🟡/🟢 status marks in the plan README on the target branch.'),
    epic_marker: z
      .boolean()
      .default(false)
      .describe('Write an <!-- orch: status=... --> marker comment at the top of each epic file.'),
  })
  .describe('What Orch writes back into the plan as tasks progress.');

const PlanSchema = z
  .object({
    status_commits: z
      .enum(['start-and-merge', 'merge-only'])
      .default('start-and-merge')
      .describe(
        'Bookkeeping commits on the target branch: "start-and-merge" marks a task 🟡 when it starts and 🟢 in its merge; "merge-only" writes marks only with the merge.',
      ),
  })
  .describe('How Orch records progress in the plan on the target branch.');

const DaemonSchema = z
  .object({
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe(
        'Address the daemon HTTP API listens on. Anything but loopback (127.0.0.1, localhost, ::1) needs tls_cert and tls_key, or insecure_remote = true; only your own config may set it.',
      ),
    port: z.number().int().min(0).max(65_535).default(0).describe('Port of the daemon HTTP API. 0 = pick a free port.'),
    idle_minutes: z
      .number()
      .min(0)
      .default(30)
      .describe('A daemon with nothing running, waiting or scheduled and no client connected exits after this many minutes. 0 = never.'),
    events_kept: z
      .number()
      .int()
      .min(100)
      .default(100_000)
      .describe('Persisted events the store keeps, the newest (older ones are deleted at start and as new ones come). A page or client away for longer reloads its state.'),
    tls_cert: z.string().default('').describe('PEM certificate for serving the API over TLS on a non-loopback host. "" = none.'),
    tls_key: z.string().default('').describe('PEM private key matching tls_cert. "" = none.'),
    insecure_remote: z
      .boolean()
      .default(false)
      .describe('Accept serving plain HTTP on a non-loopback host (anyone on that network who learns the token controls your agents). false = refuse to start.'),
  })
  .describe('The background daemon that owns runs, the store and the HTTP API.');

const SandboxSchema = z
  .object({
    mode: z
      .enum(['auto', 'bwrap', 'off'])
      .default('auto')
      .describe(
        'How agents are contained: "bwrap" = each agent, its MCP server and the project commands run in a bubblewrap sandbox (worktree and CLI config writable, home, Orch state and other worktrees hidden); "off" = no OS containment. "auto" (the default) = bwrap when it works on this machine, else off with a warning (`orch doctor` tells).',
      ),
    writable: z
      .array(z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' }))
      .default(() => [])
      .describe('More directories (or files) agents may write inside the sandbox, e.g. a shared build cache. Absolute paths; they must exist.'),
    network: z
      .enum(['proxy', 'host'])
      .default('proxy')
      .describe(
        'The network of a sandboxed agent (and of the build, test and lint it runs): "proxy" (the default, where bwrap can make a network namespace) = only loopback inside; the loopback ports its model API and Orch\'s MCP route use are forwarded, and everything else goes through a proxy that lets through only the model providers\' APIs and allow_hosts. "host" = the host\'s network is shared (services on 127.0.0.1, abstract Unix sockets such as X11 reachable).',
      ),
    allow_hosts: z
      .array(
        z
          .string()
          .max(253)
          .regex(/^(@registries|(\*\.)?[A-Za-z0-9*-]+(\.[A-Za-z0-9*-]+)*(:\d{1,5})?|\[[0-9a-fA-F:]+\]:\d{1,5})$/, 'must be a host name (api.example.com), *.example.com, host:port (127.0.0.1:5432 forwards a local service), or "@registries"'),
      )
      .default(() => [])
      .describe(
        'Hosts a sandboxed agent may reach through the proxy (network = "proxy") beyond its model API: "registry.npmjs.org", "*.example.com", "host:port"; "@registries" = npm, PyPI, crates.io, the Go proxy, RubyGems, Maven Central and JSR; a loopback "127.0.0.1:5432" forwards that port of this machine (a test database).',
      ),
    git_hooks: z
      .boolean()
      .default(false)
      .describe("Run the repository's git hooks during Orch's own git calls (worktree creation, merges). Off by default: a hook is code that anything able to write .git can plant."),
  })
  .describe('Containment of agents: the OS sandbox and what Orch\'s own git calls may run.');


const ClusterSchema = z
  .object({
    redis_url: z
      .string()
      .regex(/^(rediss?:\/\/.*)?$/, 'must be a redis:// or rediss:// (TLS) URL, or "" for no cluster')
      .default('')
      .describe('Redis of the worker pool (BullMQ). "" = everything runs on this machine. A password belongs in ORCH_REDIS_URL, not in a file.'),
    repo_url: z
      .string()
      .default('')
      .describe('Where workers fetch the code: a git URL they can reach (the forge remote, or git:// of `git_daemon`). "" = this repository\'s path (workers on this machine).'),
    labels: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'labels are lowercase letters, digits, - and _'))
      .max(5)
      .default(() => [])
      .describe('Labels a worker must carry to take this project\'s agent jobs (e.g. ["gpu"]).'),
    git_daemon: z
      .string()
      .regex(/^$|^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port (e.g. 0.0.0.0:9418) or ""')
      .default('')
      .describe('Serve this repository read-only to workers with `git daemon` on host:port. "" = off.'),
  })
  .describe('Scale-out: agent runs on `orch worker` machines through BullMQ on Redis.');
const Limit = z.number().min(0, 'must be a positive number, or 0 for no limit');
const BudgetSchema = z
  .object({
    task_usd: Limit.default(0).describe('Most one task may spend, in USD, over all its runs. 0 = no limit.'),
    task_tokens: Limit.int().default(0).describe('Most tokens one task may use (input + output + cache read + cache write). 0 = no limit.'),
    batch_usd: Limit.default(0).describe("Most one batch (one `orch start`, scheduled batch or daily task file) may spend, in USD. A daily file's max_cost_usd and a schedule's budget_usd override it. 0 = no limit."),
    daily_usd: Limit.default(0).describe('Most all runs started on one day (in `timezone`) may spend, in USD. 0 = no limit.'),
    daily_tokens: Limit.int().default(0).describe('Most tokens all runs started on one day may use. 0 = no limit.'),
  })
  .describe('Budgets (O3): a warning at 75%; at the limit no new run starts and running agents pause (work committed, sessions kept) until `orch budget raise KEY VALUE`.');

export const ConfigSchema = z
  .object({
    target_branch: z
      .string()
      .regex(BRANCH, 'must be a git branch name (no spaces, no leading "-")')
      .default('')
      .describe(
        'Branch Orch merges finished work into. "" = the repository\'s default branch (origin/HEAD, else main, else master).',
      ),
    plans_dir: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p) && !p.split(/[\\/]/).includes('..'), {
        message: 'must be a path inside the repository, relative to its root',
      })
      .default('docs/plans')
      .describe('Folder holding the markdown plan, relative to the repository root.'),
    max_parallel_agents: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(3)
      .describe('How many agents may run at the same time (1 to 64).'),
    merge_strategy: z
      .enum(MERGE_STRATEGIES)
      .default('squash')
      .describe('How finished branches are merged into the target branch.'),
    commit_template: z
      .string()
      .min(1)
      .default('feat({module}): implement E{epic} - {title}')
      .describe("Commit message for a finished task. Placeholders: {module}, {epic}, {title}, {id}; `E{epic}` is the task's own reference for work from outside the markdown plan (#12, bd-a3f8.1, task-7)."),
    timezone: z
      .string()
      .refine((tz) => {
        if (tz === '') return true;
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as "Europe/Berlin" or "America/New_York"')
      .default('')
      .describe('The project\'s time zone (IANA name) for daily budgets, reports and schedules. "" = the system\'s.'),
    agent: AgentSchema.prefault({}),
    agents: z
      .record(z.string().regex(AGENT_NAME, 'agent names are lowercase letters, digits, - and _'), AgentSchema.partial())
      .default(() => ({}))
      .describe('Named agents: each key overrides [agent] fields, e.g. [agents.fast] backend = "codex". A task picks one with `agent:` in its frontmatter.'),
    roles: RolesSchema.prefault({}),
    commands: CommandsSchema.prefault({}),
    review: ReviewSchema.prefault({}),
    workflow: WorkflowSchema.prefault({}),
    forge: ForgeSchema.prefault({}),
    writeback: WritebackSchema.prefault({}),
    daemon: DaemonSchema.prefault({}),
    cluster: ClusterSchema.prefault({}),
    plan: PlanSchema.prefault({}),
    budget: BudgetSchema.prefault({}),
    sources: SourcesSchema.prefault({}),
    sandbox: SandboxSchema.prefault({}),
    notify: NotifySchema.prefault({}),
  })
  .meta({
    title: 'Orch configuration',
    description:
      'Orch configuration (TOML). User file: ~/.config/orch/config.toml; project file: .orch/config.toml. Project overrides user; every key is optional.',
  });

/** The validated configuration, with every default filled in. Keys are snake_case, as in the TOML files. */
export type Config = z.output<typeof ConfigSchema>;
/** What a config file (or a set of flags) may contain: every key optional. */
export type ConfigInput = z.input<typeof ConfigSchema>;

export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}
