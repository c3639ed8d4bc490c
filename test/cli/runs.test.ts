import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, type Sandbox } from '../harness.js';
import { installOrch, sh } from './cli.js';

// Issue 16: what runs leave behind on the target branch and how they end, seen through the built CLI.
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

const subjects = (s: Sandbox): string[] => s.git('log', '--format=%s', 'main').trim().split('\n');

describe('maintenance', () => {
  it('a maintenance task that finds nothing to change succeeds: exit 0, task complete, nothing merged', async () => {
    sb = sandbox({
      'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }),
      // The fake agent writes only the ```file: blocks of its prompt: this one has none.
      '.orch/prompts/maintenance/lint.md': 'Lint {{scope}}; change nothing that is fine.\n',
    });
    installOrch(sb);
    const before = sb.git('rev-parse', 'main').trim();
    const r = await sh(sb, 'orch maintain lint --wait && echo clean');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('done maintenance/lint: the agent found nothing to change');
    expect(r.stdout).toMatch(/maintenance\/lint\s+done\s.*nothing to change/);
    expect(r.stdout).toContain('clean');
    expect(r.stdout).toContain('1 merged, 0 failed');
    expect(sb.git('rev-parse', 'main').trim()).toBe(before);
    const task = sb.orchJson<Array<{ id: string; status: string }>>('list').find((t) => t.id === 'maintenance/lint');
    expect(task?.status).toBe('complete');
  });
});
