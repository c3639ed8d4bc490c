import { defineConfig } from 'vitest/config';

/**
 * Three projects, run in two groups (projects of one group share its two workers, so they must agree on maxWorkers):
 * - `fast`: pure units and real-git units (seconds), all files in parallel;
 * - `slow`: the built CLI and daemon with the fake agent, test servers, git faults; two files at a time (they
 *   mostly wait on processes, so two share the 2 cores of CI without timing out);
 * - `heavy`, after both: the real agent CLIs, Chromium, tmux, Redis and the chaos suite, one file at a time (each
 *   runs several CPU-hungry processes and some measure time-outs).
 */
const heavy = [
  'src/agents/*/*.slow.test.ts',
  'src/mcp/mcp.slow.test.ts',
  'test/chaos/**/*.test.ts',
  'test/cluster/**/*.test.ts',
  'test/stress/**/*.test.ts',
  'test/security/agent-hostile.test.ts',
  'test/e2e/{answer-files,budget,claude,codex,decompose,gates,gemini,onboard,opencode,reviewer,signals,sources,tui,web-access,web-actions,web-stream,web-ui}.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'], exclude: ['src/**/*.slow.test.ts'], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'slow', include: ['src/**/*.slow.test.ts', 'test/**/*.test.ts'], exclude: heavy, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'heavy', include: heavy, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
