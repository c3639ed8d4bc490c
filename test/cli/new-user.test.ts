import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, type Sandbox } from '../harness.js';
import { installOrch, sh } from './cli.js';

// Issues 15 and 16: a new user's repositories as they come (another default branch, a detached HEAD, ...), run
// through the built CLI in a temporary repository and HOME.
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

const plan = { 'docs/plans/core/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }) };

describe('repositories a new user has', () => {
  it('a detached HEAD: the only branch is the target; with several, exit 2 naming them and what to do', async () => {
    sb = sandbox(plan);
    installOrch(sb);
    const s = sb;
    s.git('branch', '-m', 'main', 'trunk');
    s.git('checkout', '-q', '--detach');
    const one = await sh(s, 'orch sync');
    expect(one.status, one.stderr).toBe(0);
    expect(s.orchJson<{ project: { targetBranch: string } }>('status').project.targetBranch).toBe('trunk');
    expect(s.orch('daemon', 'stop').status).toBe(0);
    s.git('branch', 'dev');
    const two = await sh(s, 'orch sync');
    expect(two.status).toBe(2);
    expect(two.stderr).toMatch(/^error: cannot tell the target branch of .*: HEAD is detached and no branch is called main or master \(branches: dev, trunk\); check out the branch Orch should merge into, or set target_branch in \.orch\/config\.toml \(the daemon did not start; its log: .*daemon\.log\)\n$/);
    const doctor = await sh(s, 'orch doctor');
    expect(doctor.stdout).toContain('FAIL target branch: HEAD is detached and no branch is called main or master (branches: dev, trunk)');
    // Checking out the branch is the fix.
    s.git('checkout', '-q', 'trunk');
    expect((await sh(s, 'orch sync')).status).toBe(0);
  });
});
