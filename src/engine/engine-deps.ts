/** What the engine is given: the project, its store and config, and the ports to git, processes, agents and forge. */
import type { Redactor } from '../secrets/index.js';
import type { Event, Verification } from '../api/index.js';
import type { RunRow, Store } from '../store/index.js';
import type { AgentRunRequest } from '../agents/index.js';
import type { Config } from '../config/index.js';
import type { PlanSource } from '../sources/index.js';
import type { BackendFor, ContainFor, ForgePort, ProcessPort, RepoPort } from './ports.js';

export interface EngineDeps {
  root: string;
  projectKey: string;
  logsDir: string;
  worktreesDir: string;
  config: Config;
  targetBranch: string;
  store: Store;
  repo: RepoPort;
  procs: ProcessPort;
  backendFor: BackendFor;
  log: (msg: string) => void;
  forge?: ForgePort;
  /** Orch's MCP server for a run's agent (late-bound: it needs the daemon's address). */
  mcpFor?: (run: RunRow) => AgentRunRequest['mcp'];
  /** The user's orch config dir (for prompt overrides in <dir>/prompts). */
  userConfigDir: string;
  /** Agents with read-only tools, for the reviewer ([review] reviewer_agent) and the planner. */
  reviewerFor?: BackendFor;
  /** The sandbox of each agent process (see src/sandbox); undefined = none. */
  containFor?: ContainFor;
  /** Watches the shared .git across an agent's turn (see src/sandbox/tamper.ts). */
  guardFor?: (run: RunRow) => (() => string[]) | undefined;
  /** schedule.toml files, user then project (G6). */
  scheduleFiles?: string[];
  /** The clock (budgets' days); a fake one in tests. */
  now?: () => Date;
  /** Runs the project's build/test/lint commands on a finished change (results go on the run and the PR body). */
  verify?: (worktree: string, signal?: AbortSignal) => Promise<Verification[]>;
  /** Where tasks come from (`[sources]`); default: the markdown plan in `plans_dir`. */
  sources?: PlanSource[];
  /** Blanks secrets (known shapes, the values of secret variables) in what runs print into their logs. */
  redact?: Redactor;
  /** Sees every persisted event (notifications); unlike a subscriber it does not keep an idle daemon up. */
  observe?: (e: Event) => void;
  /** O5: the `{{lessons}}` of a coder prompt for a task of this module (feedback files' lessons), "" for none. */
  lessons?: (module: string) => string;
  /** Fault injection for the chaos tests (ORCH_FAULT_AT): called at named points where a kill -9 must lose nothing. */
  fault?: (point: string) => void;
}
