import type { AgentEvent } from '../agents/index.js';
import { shellCommandOf, splitCommandLine, stripPrefixes } from './shell.js';

export interface StuckDetectorOptions {
  /** A run with no output and no token movement for this long is stuck. */
  idleMs: number;
  now?: () => number;
}

export interface StuckDetector {
  /** Call on any output line or token movement of the run (and once when it starts). */
  touch(runId: string): void;
  /** Runs idle for at least `idleMs`, longest idle first. */
  stuckRuns(): Array<{ runId: string; idleMs: number }>;
  /** Stop watching a run (finished, canceled). */
  forget(runId: string): void;
}

export function createStuckDetector(options: StuckDetectorOptions): StuckDetector {
  const { idleMs, now = Date.now } = options;
  const lastSeen = new Map<string, number>();
  return {
    touch(runId) {
      lastSeen.set(runId, now());
    },
    stuckRuns() {
      const t = now();
      return [...lastSeen]
        .map(([runId, seen]) => ({ runId, idleMs: t - seen }))
        .filter((r) => r.idleMs >= idleMs)
        .sort((a, b) => b.idleMs - a.idleMs);
    },
    forget(runId) {
      lastSeen.delete(runId);
    },
  };
}

// Matched against one simple command with wrappers (`sudo`, `FOO=1`) removed.
const TEST_COMMAND = new RegExp(
  '^(?:' +
    [
      '(?:npm|pnpm|yarn|bun)\\s+(?:run\\s+)?(?:test|t)(?::[\\w:-]*)?(?:\\s|$)',
      'bun\\s+test',
      '(?:npx|pnpx|bunx|pnpm\\s+exec|yarn)\\s+(?:vitest|jest|mocha|ava|tap|playwright\\s+test)',
      '(?:\\S*/)?(?:vitest|jest|mocha|pytest|py\\.test|rspec|phpunit|tox|nox)(?:\\s|$)',
      'python[\\d.]*\\s+-m\\s+(?:pytest|unittest)',
      'go\\s+test',
      'cargo\\s+(?:test|nextest)',
      'node\\s+(?:\\S+\\s+)*--test',
      'deno\\s+test',
      'make\\s+(?:test|check)',
      'dotnet\\s+test',
      'mvn\\s+(?:\\S+\\s+)*test',
      '(?:\\./)?gradlew?\\s+(?:\\S+\\s+)*test',
      '(?:bundle\\s+exec\\s+)?(?:rspec|rake\\s+test)',
      'mix\\s+test',
    ].join('|') +
    ')',
);

/** Failure markers of test runners' output: vitest/jest `FAIL`, pytest `FAILED`, cargo `test result: FAILED`. */
const FAILED_OUTPUT = /\bFAIL(?:ED|URES?|S)?\b|\bexit(?:ed)?(?: with)? (?:code|status)[: ]+[1-9]\d*|\bnpm ERR! (?:Test failed|code ELIFECYCLE)/;

export interface TestRun {
  toolCallId: string;
  command: string;
  failed: boolean;
}

/** Whether a shell command line runs a test suite. */
export function isTestCommand(command: string): boolean {
  return splitCommandLine(command).some((words) => TEST_COMMAND.test(stripPrefixes(words).map((w) => w.text).join(' ')));
}

/** Test-suite runs among the tool calls, in order, each with whether it failed; calls with no result yet are left out. */
export function testRuns(events: readonly AgentEvent[]): TestRun[] {
  const results = new Map<string, Extract<AgentEvent, { type: 'tool_result' }>>();
  for (const e of events) if (e.type === 'tool_result') results.set(e.id, e);
  const runs: TestRun[] = [];
  for (const e of events) {
    if (e.type !== 'tool_call') continue;
    const command = shellCommandOf(e);
    const result = results.get(e.id);
    if (command === undefined || result === undefined || !isTestCommand(command)) continue;
    runs.push({ toolCallId: e.id, command, failed: result.isError || FAILED_OUTPUT.test(result.output) });
  }
  return runs;
}

/** How many test-suite runs failed. */
export function countTestFailures(events: readonly AgentEvent[]): number {
  return testRuns(events).filter((r) => r.failed).length;
}

/** Failed test-suite runs since the last passing one: "tests still failing after M attempts". */
export function trailingTestFailures(events: readonly AgentEvent[]): number {
  const runs = testRuns(events);
  let n = 0;
  for (let i = runs.length - 1; i >= 0 && runs[i]?.failed; i--) n++;
  return n;
}
