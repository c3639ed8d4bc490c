/**
 * Shared set-up of the backends' slow tests, which drive the real agent CLIs against a local simulated model:
 * find the binary, make scratch git repositories, run one turn and collect what it printed, and optionally
 * capture its stdout as a parser fixture (`ORCH_CAPTURE_FIXTURES=1`). Test tooling, not product code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentBackend, AgentEvent, AgentOutcome, AgentRunRequest } from '../types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** True when the slow tests should also write `fixtures/real-*.jsonl` from their runs. */
export const CAPTURE_FIXTURES = process.env.ORCH_CAPTURE_FIXTURES === '1';

/**
 * The CLI to test: `$<envVar>` when set, else `node_modules/.bin/<name>` when installed, else '' (and a line
 * saying the suite is skipped, with how to get the binary).
 */
export const findCli = (name: string, envVar: string, install: string): string => {
  const local = join(ROOT, 'node_modules', '.bin', name);
  const found = process.env[envVar] || (existsSync(local) ? local : '');
  if (!found) process.stdout.write(`${name} slow tests skipped: no node_modules/.bin/${name} (${install}) and ${envVar} is unset\n`);
  return found;
};

export interface Scratch {
  root: string;
  /** A git repository `<root>/<name>` with one commit (README.md), a test identity and signing off. */
  makeRepo(name: string): string;
  cleanup(): void;
}

export const createScratch = (prefix: string): Scratch => {
  const root = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(root, 'tmp'));
  return {
    root,
    makeRepo: (name) => {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      const git = (...args: string[]): void => {
        execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
      };
      git('init', '-q', '-b', 'main');
      git('config', 'user.name', 'Orch Test');
      git('config', 'user.email', 'test@orch.invalid');
      git('config', 'commit.gpgsign', 'false');
      writeFileSync(join(dir, 'README.md'), '# test\n');
      git('add', 'README.md');
      git('commit', '-q', '-m', 'init');
      return dir;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
};

export interface TurnResult {
  outcome: AgentOutcome;
  events: AgentEvent[];
  stdout: string[];
  stderr: string[];
}

/**
 * Runs one turn of `backend` to the end. `capture` names the fixture (`<dir>/real-<name>.jsonl`) written
 * from its stdout when CAPTURE_FIXTURES is on.
 */
export const runTurn = async (backend: AgentBackend, req: AgentRunRequest, capture?: { dir: string; name: string }): Promise<TurnResult> => {
  const events: AgentEvent[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const outcome = await backend.start({
    ...req,
    onEvent: (e) => {
      events.push(e);
      req.onEvent?.(e);
    },
    onLine: (s, l) => {
      (s === 'stdout' ? stdout : stderr).push(l);
      req.onLine?.(s, l);
    },
  }).result;
  if (capture && CAPTURE_FIXTURES && stdout.length > 0) writeFileSync(join(capture.dir, `real-${capture.name}.jsonl`), `${stdout.join('\n')}\n`);
  return { outcome, events, stdout, stderr };
};
