import { formatCommand, spawnSupervised, type Contain } from '../agents/index.js';

export type CommandKind = 'build' | 'test' | 'lint';
export const COMMAND_KINDS: readonly CommandKind[] = ['build', 'test', 'lint'];

/** argv arrays from the project config (`commands.build` ...), never shell strings. */
export type ProjectCommands = Partial<Record<CommandKind, readonly string[]>>;

export const COMMAND_TIMEOUT_MS = 10 * 60_000;
export const COMMAND_OUTPUT_CHARS = 20_000;

export interface CommandRun {
  kind: CommandKind;
  /** False when the command could not be started, failed, or timed out. */
  ok: boolean;
  /** The text the agent sees. */
  text: string;
  /** Structured, for records (PR bodies, `orch show`); absent when the command could not be started. */
  result?: { command: string; exitCode: number | null; timedOut: boolean; durationMs: number; outputTail: string };
}

export interface RunCommandOptions {
  kind: CommandKind;
  argv: readonly string[] | undefined;
  cwd: string;
  env: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxOutputChars?: number;
  /** OS containment (the agent's sandbox) for the command. */
  contain?: Contain;
  /** Every line as it comes (a worker streams them to the daemon). */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** Keeps the last `max` characters of interleaved stdout and stderr lines. */
const createTail = (max: number): { push(line: string): void; text(): string; dropped(): number } => {
  const lines: string[] = [];
  let size = 0;
  let dropped = 0;
  return {
    push(line) {
      lines.push(line);
      size += line.length + 1;
      while (size > max && lines.length > 1) {
        const first = lines.shift() ?? '';
        size -= first.length + 1;
        dropped += first.length + 1;
      }
    },
    text() {
      const joined = lines.join('\n');
      if (joined.length <= max) return joined;
      dropped += joined.length - max;
      return joined.slice(joined.length - max);
    },
    dropped: () => dropped,
  };
};

/** Runs one configured project command in the agent's worktree: no shell, a timeout, the tail of the output. */
export const runProjectCommand = async (opts: RunCommandOptions): Promise<CommandRun> => {
  const key = `commands.${opts.kind}`;
  const [command, ...args] = opts.argv ?? [];
  if (command === undefined || command === '') {
    return {
      kind: opts.kind, ok: false,
      text: `No ${opts.kind} command is configured: set ${key} in the Orch config to an argv array, e.g. ["npm", "run", "${opts.kind}"].`,
    };
  }
  const timeoutMs = opts.timeoutMs ?? COMMAND_TIMEOUT_MS;
  const tail = createTail(opts.maxOutputChars ?? COMMAND_OUTPUT_CHARS);
  const plain = { command, args, env: opts.env };
  const launch = opts.contain ? opts.contain(plain) : plain;
  const proc = spawnSupervised({
    ...launch, cwd: opts.cwd, timeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onStdoutLine: (l) => {
      tail.push(l);
      opts.onLine?.('stdout', l);
    },
    onStderrLine: (l) => {
      tail.push(l);
      opts.onLine?.('stderr', l);
    },
  });
  // What the user configured, not the sandbox's wrapper around it, is what messages and records name.
  const result = { ...(await proc.result), command: formatCommand(command, args) };
  if (result.error !== undefined) {
    return {
      kind: opts.kind, ok: false,
      text: `${result.error}\nCheck ${key} in the Orch config (received ${JSON.stringify(opts.argv)}); the agent cannot fix this, report it with orch_stuck.`,
    };
  }
  // The project's command as configured, not the sandbox wrapped around it.
  const shown = opts.contain ? formatCommand(command, args) : result.command;
  const output = tail.text();
  const truncated = tail.dropped() > 0 ? `[output truncated: showing the last ${output.length} characters]\n` : '';
  let head: string;
  if (result.timedOut) head = `Command timed out after ${Math.round(timeoutMs / 1000)} s: ${shown}`;
  else if (result.canceled) head = `Command canceled: ${shown}`;
  else if (result.exitCode === 0) head = `Command succeeded (exit code 0) in ${result.durationMs} ms: ${shown}`;
  else if (result.exitCode !== null) head = `Command failed with exit code ${result.exitCode}: ${shown}`;
  else head = `Command was killed by ${result.signal ?? 'a signal'}: ${shown}`;
  return {
    kind: opts.kind,
    ok: result.exitCode === 0 && !result.timedOut && !result.canceled,
    text: `${head}\nexit code: ${result.exitCode ?? 'none'}\n${truncated}${output || '(no output)'}`,
    result: { command: shown, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs, outputTail: output },
  };
};
