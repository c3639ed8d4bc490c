import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

interface RunJson {
  id: string;
  state: string;
  branch: string;
  error: string | null;
  savedRef: string | null;
}

/**
 * A reference-transaction hook that makes git fail to move `main` (the merge into the target) as many times as
 * `<repo>/.git/fail-main` says, counting down: git fails in the middle of the merge, after it checked files out.
 */
function failMainUpdates(s: Sandbox): (times: number) => void {
  // Orch runs no repository hook unless the user opts in; this one is the fault injector.
  appendFileSync(join(s.base, 'config', 'orch', 'config.toml'), 'git_hooks = true\n');
  const counter = join(s.repo, '.git', 'fail-main');
  const hook = join(s.repo, '.git', 'hooks', 'reference-transaction');
  writeFileSync(
    hook,
    `#!/bin/sh
[ "$1" = prepared ] || exit 0
grep -q ' refs/heads/main$' || exit 0
n=$(cat '${counter}' 2>/dev/null || echo 0)
[ "$n" -gt 0 ] || exit 0
echo $((n - 1)) > '${counter}'
echo "injected failure: refusing to move main" >&2
exit 1
`,
  );
  chmodSync(hook, 0o755);
  return (times) => writeFileSync(counter, String(times));
}

const plan = { 'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing. [[fake:slow=1500]]', { 'src/a.txt': 'a' }) };

async function untilRunning(s: Sandbox): Promise<void> {
  await until(() => s.orchJson<{ runs: RunJson[] }>('show', 'core/E01').runs.some((r) => r.state === 'running'), 'the agent to run');
}

// Issue 5, fault injection at the edges: git fails in the middle of the merge into the target.
describe('git failing mid-merge', () => {
  it('a transient failure: the checkout is repaired, the step retried, the run merges once', async () => {
    sb = sandbox(plan);
    const s = sb;
    const failTimes = failMainUpdates(s);
    expect(s.orch('start', 'core/E01').status).toBe(0);
    await untilRunning(s);
    failTimes(1);
    await until(() => s.orchJson<Array<{ status: string }>>('list')[0]?.status === 'complete', 'the merge');
    expect(readFileSync(join(s.repo, '.git', 'fail-main'), 'utf8').trim()).toBe('0'); // the failure really happened
    expect(s.orch('logs', 'core/E01').stdout).toMatch(/injected failure: refusing to move main/);
    expect(s.git('log', '--format=%s', 'main').match(/implement E01 - A/g)).toHaveLength(1);
    expect(s.git('status', '--porcelain', '--untracked-files=no').trim()).toBe('');
    expect(readFileSync(join(s.repo, 'src/a.txt'), 'utf8')).toBe('a\n');
    expect(existsSync(join(s.repo, '.git', 'index.lock'))).toBe(false);
  });

  it('a lasting failure: the run fails with git\'s reason, the work is kept, and a retry merges once git works', async () => {
    sb = sandbox(plan);
    const s = sb;
    const failTimes = failMainUpdates(s);
    expect(s.orch('start', 'core/E01').status).toBe(0);
    await untilRunning(s);
    const before = s.git('rev-parse', 'main').trim();
    failTimes(1000);
    await until(() => s.orchJson<Array<{ status: string }>>('list')[0]?.status === 'failed', 'the run to fail');
    const run = s.orchJson<{ runs: RunJson[] }>('show', 'core/E01').runs[0];
    expect(run?.error).toMatch(/merging: .*injected failure: refusing to move main/s);
    // Nothing half-merged: main did not move, the user's checkout is as it was, and the agent's work is on a ref.
    expect(s.git('rev-parse', 'main').trim()).toBe(before);
    expect(s.git('status', '--porcelain', '--untracked-files=no').trim()).toBe('');
    expect(existsSync(join(s.repo, 'src/a.txt'))).toBe(false);
    expect(s.git('show', `${run?.savedRef ?? 'none'}:src/a.txt`)).toBe('a\n');
    failTimes(0);
    expect(s.orch('start', 'core/E01').status).toBe(0);
    await until(() => s.orchJson<Array<{ status: string }>>('list')[0]?.status === 'complete', 'the retried merge');
    expect(s.git('log', '--format=%s', 'main').match(/implement E01 - A/g)).toHaveLength(1);
  });
});
