import { spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { GitError, type GitResult, type GitRunner, type Identity, type RunOptions } from './types.js';

export interface CreateGitOptions {
  /** Path or name of the git executable. Default `git`. */
  binary?: string;
  /** Base environment, sanitised before use. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Identity of the commits Orch makes. Default `Orch <orch@localhost>`. */
  identity?: Identity;
  /**
   * Run the repository's hooks (`.git/hooks`, `core.hooksPath`). Default false: anything that can write `.git`
   * (an agent, a cloned config) could otherwise run code in Orch's next git call. `[sandbox] git_hooks` opts in.
   */
  hooks?: boolean;
}

/**
 * Prepended to every git call unless hooks are on: no hooks, and no fsmonitor command from a planted config
 * (git runs `core.fsmonitor` on status, add and commit).
 */
export const NO_HOOKS_ARGS: readonly string[] = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

/** Variables no git call needs unless it talks to a remote: forge tokens, provider keys, anything named like a secret. */
const SECRET_VAR = /(_KEY$|_TOKEN$|SECRET|PASSWORD|PASSWD|CREDENTIAL|^GH_|^GITHUB_|^GITLAB_|^ANTHROPIC_|^OPENAI_|^AWS_|^GOOGLE_|^GEMINI_|^AZURE_)/i;

export const ORCH_IDENTITY: Identity = { name: 'Orch', email: 'orch@localhost' };

// Inherited GIT_* variables that only configure transport or tracing; every other GIT_* variable
// (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_CONFIG_*, GIT_OBJECT_DIRECTORY, GIT_AUTHOR_*, ...) can
// redirect git to another repository, index or identity, e.g. when the daemon is started from a hook.
const INHERITED_GIT_VARS = new Set([
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_SSH_VARIANT',
  'GIT_ASKPASS',
  'GIT_EXEC_PATH',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'GIT_SSL_NO_VERIFY',
  'GIT_PROXY_COMMAND',
  'GIT_HTTP_USER_AGENT',
  'GIT_CURL_VERBOSE',
]);

/**
 * Environment for a git child: inherited GIT_* variables stripped, secrets stripped (unless `credentials`: a
 * fetch or push whose credential helper may need them; a list keeps only the secrets of those names, such as the
 * forge host's own token variables), then explicit ones, then fixed ones.
 */
export function gitEnv(base: NodeJS.ProcessEnv, explicit: NodeJS.ProcessEnv | undefined, credentials: boolean | readonly string[] = false): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (key.startsWith('GIT_') && !INHERITED_GIT_VARS.has(key) && !key.startsWith('GIT_TRACE')) continue;
    if (credentials !== true && SECRET_VAR.test(key) && !(Array.isArray(credentials) && credentials.includes(key))) continue;
    env[key] = value;
  }
  Object.assign(env, explicit);
  env.GIT_TERMINAL_PROMPT = '0';
  // ':' is git's own "no editor" value: nothing Orch runs may wait for a human at an editor.
  env.GIT_EDITOR = ':';
  env.LC_ALL = 'C';
  return env;
}

export function createRunner(options: CreateGitOptions = {}): GitRunner {
  const binary = options.binary ?? 'git';
  const base = options.env ?? process.env;
  const identity = options.identity ?? ORCH_IDENTITY;
  const prefix = options.hooks ? [] : NO_HOOKS_ARGS;

  const run = async (args: readonly string[], opts: RunOptions): Promise<GitResult> => {
    const r = await spawnGit(binary, [...prefix, ...args], opts, gitEnv(base, opts.env, opts.credentials));
    // Messages and callers see the command they asked for.
    return prefix.length > 0 ? { ...r, command: [...args] } : r;
  };

  const ok = async (args: readonly string[], opts: RunOptions): Promise<string> => {
    const result = await run(args, opts);
    const allowed = opts.allowedExitCodes ?? [0];
    if (!allowed.includes(result.exitCode)) throw new GitError(result);
    return result.stdout;
  };

  return { binary, identity, run, ok };
}

const KILL_GRACE_MS = 2000;

function spawnGit(binary: string, args: string[], opts: RunOptions, env: NodeJS.ProcessEnv): Promise<GitResult> {
  if (!isAbsolute(opts.cwd)) return Promise.reject(new Error(`git cwd must be an absolute path, received "${opts.cwd}"`));
  const started = performance.now();
  return new Promise<GitResult>((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: opts.cwd,
      env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      // Own process group, so cancelling also ends hooks and aliases git started (they hold our pipes open).
      detached: true,
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let canceled = false;
    let timer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const kill = () => {
      if (killTimer) return;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const onAbort = () => {
      canceled = true;
      kill();
    };
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, opts.timeoutMs);
    }
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    if (child.stdin) {
      // The child may exit before reading its input (EPIPE); its exit code tells the story.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error) => {
      if (child.pid !== undefined) return;
      cleanup();
      const result = finish(-1, null);
      reject(new GitError({ ...result, stderr: `${error.message} (cwd ${opts.cwd})` }, { cause: error }));
    });
    child.once('close', (code, signal) => {
      cleanup();
      resolve(finish(code ?? -1, signal));
    });
    function finish(exitCode: number, signal: NodeJS.Signals | null): GitResult {
      return {
        exitCode,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        command: args,
        durationMs: Math.round(performance.now() - started),
        signal,
        timedOut,
        canceled,
      };
    }
  });
}
