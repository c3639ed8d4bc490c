import { defineConfig } from 'vitest/config';

// Two projects: `fast` (pure units and real-git units, seconds) and `slow` (real daemon, real claude binary).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'], exclude: ['src/**/*.slow.test.ts'] } },
      { extends: true, test: { name: 'slow', include: ['src/**/*.slow.test.ts', 'test/**/*.test.ts'], fileParallelism: false } },
    ],
  },
});
