import { execFile, type ChildProcess } from 'node:child_process';

/** One issue as `bd ... --json` prints it (the fields Orch reads; others are ignored). */
export interface BeadsIssue {
  id: string;
  title: string;
  description?: string;
  acceptance_criteria?: string;
  status: 'open' | 'in_progress' | 'blocked' | 'closed' | string;
  priority?: number;
  issue_type?: string;
  close_reason?: string;
  assignee?: string;
  dependencies?: Array<{ id: string; status?: string; dependency_type?: string }>;
}

export type RunBd = (args: string[]) => Promise<unknown>;

/**
 * Runs `bd <args> --json` in `cwd` (argv, no shell) and parses its stdout; rejects with bd's stderr. `track` sees each
 * process started (the daemon ends them when it stops).
 */
export function bdRunner(command: string, cwd: string, env: NodeJS.ProcessEnv, opts: { timeoutMs?: number; track?: (child: ChildProcess) => void } = {}): RunBd {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return (args) =>
    new Promise((resolve, reject) => {
      const child = execFile(command, [...args, '--json'], { cwd, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const why = code === 'ENOENT' ? `${command} is not installed (see https://github.com/steveyegge/beads)` : `${command} ${args.join(' ')} failed: ${stderr.trim().split('\n').slice(-2).join(' ') || err.message}`;
          reject(new Error(why));
          return;
        }
        try {
          resolve(JSON.parse(stdout || 'null'));
        } catch {
          reject(new Error(`${command} ${args.join(' ')} --json printed no JSON: ${stdout.slice(0, 200)}`));
        }
      });
      opts.track?.(child);
    });
}

/** `bd show`, `update` and `close` print an array; `create` an object. Either way: the issues. */
export function issuesOf(value: unknown): BeadsIssue[] {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : [];
  return list.filter((i): i is BeadsIssue => typeof (i as BeadsIssue)?.id === 'string' && typeof (i as BeadsIssue).title === 'string');
}
