import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCodexLine, parseGooseLine, type AgentEvent } from '../agents/index.js';
import { countTestFailures, createStuckDetector, isTestCommand, testRuns, trailingTestFailures } from './stuck.js';

describe('createStuckDetector', () => {
  it('reports runs idle for idleMs or more, longest first, until touched or forgotten', () => {
    let t = 0;
    const d = createStuckDetector({ idleMs: 5 * 60_000, now: () => t });
    d.touch('a');
    t = 60_000;
    d.touch('b');
    t = 5 * 60_000;
    expect(d.stuckRuns()).toEqual([{ runId: 'a', idleMs: 300_000 }]);
    t = 7 * 60_000;
    expect(d.stuckRuns()).toEqual([{ runId: 'a', idleMs: 420_000 }, { runId: 'b', idleMs: 360_000 }]);
    d.touch('a');
    d.forget('b');
    expect(d.stuckRuns()).toEqual([]);
  });
});

let n = 0;
const bash = (command: string, isError: boolean, output: string, name = 'Bash'): AgentEvent[] => {
  const id = `t${++n}`;
  return [{ type: 'tool_call', id, name, input: { command } }, { type: 'tool_result', id, isError, output }];
};

describe('isTestCommand', () => {
  it.each([
    'npm test', 'npm run test:unit -- --run', 'npm t', 'pnpm test', 'yarn test', 'npx vitest run src/x.test.ts', 'npx jest',
    'pytest -x tests/', 'python -m pytest', 'go test ./...', 'cargo test --all', 'node --test', 'node --import tsx --test src/',
    'CI=1 npm test', 'cd pkg && npm test', 'npm run build && npx vitest run 2>&1 | tail -20', './node_modules/.bin/vitest run', 'bun test', 'make test',
  ])('%s runs tests', (command) => expect(isTestCommand(command)).toBe(true));

  it.each(['cat jest.config.js', 'npm install', 'echo "npm test"', 'ls tests/', 'git commit -m "fix go test flake"', 'npm run testdata-gen'])(
    '%s does not',
    (command) => expect(isTestCommand(command)).toBe(false),
  );
});

describe('countTestFailures', () => {
  it('counts failed test runs from every backend shape: isError, FAIL in the output, a non-zero exit', () => {
    const events = [
      ...bash('npm test', true, 'Exit code 1\n FAIL  src/a.test.ts > adds'),
      ...bash('npx vitest run', false, ' FAIL  src/a.test.ts\n Tests  1 failed | 3 passed'),
      ...bash('go test ./...', false, '--- FAIL: TestX (0.00s)\nFAIL\texample.com/x\t0.01s'),
      ...bash('pytest', false, '==== 1 failed, 2 passed ====\nFAILED tests/test_a.py::test_x'),
      ...bash("/bin/bash -lc 'cargo test'", true, 'test result: FAILED. 1 passed; 1 failed', 'command_execution'),
      ...bash('npm test', false, ' ✓ src/a.test.ts (3 tests)\n Test Files  1 passed (1)'),
      ...bash('ls', true, 'ls: cannot access'),
      ...bash('node --test', false, 'not ok 1 - x\nProcess exited with code 1', 'run_shell_command'),
    ];
    expect(countTestFailures(events)).toBe(6);
    expect(testRuns(events).map((r) => r.failed)).toEqual([true, true, true, true, true, false, true]);
    expect(trailingTestFailures(events)).toBe(1);
  });

  it('a passing last run means nothing is still failing; no test runs count nothing', () => {
    expect(trailingTestFailures([...bash('npm test', true, 'FAIL'), ...bash('npm test', false, 'ok')])).toBe(0);
    expect(countTestFailures([])).toBe(0);
  });

  it('ignores a call without its result yet', () => {
    expect(countTestFailures([{ type: 'tool_call', id: 'x', name: 'Bash', input: { command: 'npm test' } }])).toBe(0);
  });

  it('reads the captured Codex and Goose transcripts (no test commands there)', () => {
    const read = (p: string, parse: (l: string) => AgentEvent[]) =>
      readFileSync(fileURLToPath(new URL(p, import.meta.url)), 'utf8').split('\n').flatMap(parse);
    const codex = read('../agents/codex/fixtures/success-tools.jsonl', parseCodexLine);
    const goose = read('../agents/goose/fixtures/success-tools.jsonl', parseGooseLine);
    expect(countTestFailures(codex)).toBe(0);
    expect(countTestFailures(goose)).toBe(0);
    // The same shapes with a test command in them are counted.
    const asTest = (events: AgentEvent[]) => events.map((e) => (e.type === 'tool_call' && e.input && typeof e.input === 'object' && 'command' in e.input ? { ...e, input: { command: 'npm test' } } : e));
    expect(countTestFailures(asTest(codex))).toBe(1);
    expect(countTestFailures(asTest(goose))).toBe(1);
  });
});
