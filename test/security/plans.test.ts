import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { epic, sandbox, type Sandbox } from '../harness.js';

/**
 * Plans are untrusted input: a FIFO, links to /dev/zero and /etc/passwd, nested YAML and a huge epic, committed next
 * to a good epic. The daemon's sync refuses each, naming the file and what to do, stores nothing (all or nothing),
 * does not hang, and is still there to sync the plan once they are gone.
 */
let sb: Sandbox | undefined;
afterAll(() => sb?.cleanup());

const M = 'docs/plans/core-module';

describe('a hostile plan', () => {
  it('is refused file by file, and the daemon survives to sync the plan once it is clean', () => {
    sb = sandbox({ [`${M}/epic-01-a.md`]: epic('A', 'a', { 'a.txt': 'a' }) });
    expect(sb.orch('sync').status).toBe(0);

    const dir = join(sb.repo, M);
    execFileSync('mkfifo', [join(dir, 'epic-02-fifo.md')]);
    symlinkSync('/dev/zero', join(dir, 'epic-03-zero.md'));
    symlinkSync('/etc/passwd', join(dir, 'epic-04-passwd.md'));
    sb.write(`${M}/epic-05-nested.md`, `---\ntouches: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n---\n# Nested\n`);
    sb.write(`${M}/epic-06-huge.md`, `# Huge\n\n${'x'.repeat(50 * 1024 * 1024)}\n`);
    sb.write(`${M}/epic-07-flags.md`, '---\nmodel: --version\nagent: --help\n---\n# Flags\n');

    const started = Date.now();
    const bad = sb.orch('sync');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(bad.status).not.toBe(0);
    const out = bad.stdout + bad.stderr;
    expect(out).toContain(`${M}/epic-02-fifo.md: error epic-02-fifo.md is a FIFO (named pipe), not a regular file`);
    expect(out).toContain(`${M}/epic-03-zero.md: error epic-03-zero.md leads to /dev/zero, outside the repository`);
    expect(out).toContain(`${M}/epic-04-passwd.md: error epic-04-passwd.md leads to /etc/passwd, outside the repository`);
    expect(out).toContain(`${M}/epic-05-nested.md:2: error frontmatter nests deeper than 16 levels, so it is not parsed`);
    expect(out).toContain(`${M}/epic-06-huge.md: error epic-06-huge.md is 51201 KB, over the 128 KB a plan file may have`);
    expect(out).toContain(`${M}/epic-07-flags.md:2: error model: got "--version"`);
    expect(out).toContain(`${M}/epic-07-flags.md:3: error agent: got "--help"`);
    expect(out).not.toContain('root:x:0');
    // All or nothing: the good epic is still the only task.
    expect(sb.orchJson<{ id: string }[]>('list').map((t) => t.id)).toEqual(['core/E01']);

    for (const f of ['epic-02-fifo.md', 'epic-03-zero.md', 'epic-04-passwd.md', 'epic-05-nested.md', 'epic-06-huge.md', 'epic-07-flags.md']) rmSync(join(dir, f));
    sb.write(`${M}/epic-02-b.md`, epic('B', 'b', { 'b.txt': 'b' }));
    const good = sb.orch('sync');
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(sb.orchJson<{ id: string }[]>('list').map((t) => t.id)).toEqual(['core/E01', 'core/E02']);
  });
});
