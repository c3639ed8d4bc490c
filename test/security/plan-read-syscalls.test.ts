import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRootDir } from '../harness.js';

// Issue 12: a sync reads each plan file with as few system calls as its safety checks allow (src/plans/safe-read.ts),
// counted by strace on the real built parser: a first read is open, fstat, read, close; a second only an lstat.
const base = realpathSync(mkdtempSync(join(tmpdir(), 'orch-plan-syscalls-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const strace = ['/usr/bin/strace', '/bin/strace'].find((p) => existsSync(p));

describe.skipIf(!strace)('reading a plan (strace)', () => {
  it('opens a new epic without an lstat first and reads it once; an unchanged one is only lstat-ed; a link is still checked', () => {
    const plans = join(base, 'docs', 'plans', 'core-module');
    mkdirSync(plans, { recursive: true });
    writeFileSync(join(plans, 'epic-01-a.md'), '# A\n\nDo a.\n');
    writeFileSync(join(plans, 'epic-02-b.md'), '# B\n\nDo b after core/E01.\n');
    writeFileSync(join(base, 'notes.md'), '# C\n\nDo c.\n');
    symlinkSync(join(base, 'notes.md'), join(plans, 'epic-03-c.md'));
    const script = join(base, 'parse.mjs');
    writeFileSync(
      script,
      `const { parsePlan, createPlanFileCache } = await import(${JSON.stringify(pathToFileURL(join(repoRootDir, 'dist', 'src', 'plans', 'index.js')).href)});
const cache = createPlanFileCache();
const first = await parsePlan(${JSON.stringify(base)}, { cache });
process.stderr.write('--- second read\\n');
const second = await parsePlan(${JSON.stringify(base)}, { cache });
console.log(JSON.stringify({ first: first.tasks.map((t) => t.title), second: second.tasks.map((t) => t.title), issues: first.issues.length }));
`,
    );
    const log = join(base, 'strace.txt');
    const r = spawnSync(strace!, ['-y', '-e', 'trace=openat,read,pread64,statx,newfstatat,lstat,fstat,close,write', '-o', log, process.execPath, script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toMatch(/Error/);
    expect(JSON.parse(r.stdout)).toEqual({ first: ['A', 'B', 'C'], second: ['A', 'B', 'C'], issues: 0 });
    const lines = readFileSync(log, 'utf8').split('\n');
    const split = lines.findIndex((l) => l.includes('--- second read'));
    expect(split).toBeGreaterThan(0);
    const calls = (part: string[], file: string): string[] => part.filter((l) => l.includes(file)).map((l) => /^\s*(?:\d+\s+)?(\w+)\(/.exec(l)?.[1] ?? l);

    const a = join(plans, 'epic-01-a.md');
    expect(calls(lines.slice(0, split), a)).toEqual(['openat', 'statx', 'read', 'close']);
    expect(calls(lines.slice(split), a)).toEqual(['statx']);
    // The link is looked at (lstat), followed inside the repository and read, the first time and again.
    const link = join(plans, 'epic-03-c.md');
    expect(calls(lines.slice(0, split), link)).toEqual(expect.arrayContaining(['openat', 'statx']));
    expect(calls(lines.slice(split), join(base, 'notes.md'))).toEqual(expect.arrayContaining(['openat', 'read', 'close']));
  });
});
