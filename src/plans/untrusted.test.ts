import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlanFileCache } from './files.js';
import { formatIssue } from './issues.js';
import { parsePlan } from './parse.js';
import { MAX_EPIC_BYTES } from './safe-read.js';
import { writeRepo } from './testing.js';
import type { ParsedPlan } from './types.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const P = 'docs/plans';
const M = `${P}/billing`;

async function repo(files: Record<string, string>): Promise<string> {
  const r = await writeRepo({ [`${M}/epic-01-ok.md`]: '# Fine\n\nA plain epic.\n', ...files });
  cleanups.push(r.cleanup);
  return r.root;
}

const errors = (plan: ParsedPlan) => plan.issues.filter((i) => i.severity === 'error').map((i) => ({ code: i.code, file: i.file, text: formatIssue(i) }));

describe('plan files are read only when they are regular files inside the repository', () => {
  it('refuses links out of the repository (/etc/passwd, /dev/zero) per file, naming it, and reads nothing through them', async () => {
    const root = await repo({});
    symlinkSync('/etc/passwd', join(root, M, 'epic-02-passwd.md'));
    symlinkSync('/dev/zero', join(root, M, 'epic-03-zero.md'));
    const plan = await parsePlan(root);
    expect(plan.tasks.map((t) => t.id)).toEqual(['billing/E01']);
    const found = errors(plan);
    expect(found.map((e) => [e.code, e.file])).toEqual([
      ['unsafe_file', `${M}/epic-02-passwd.md`],
      ['unsafe_file', `${M}/epic-03-zero.md`],
    ]);
    expect(found[0]!.text).toContain('epic-02-passwd.md leads to /etc/passwd, outside the repository, so it is not read');
    expect(found[0]!.text).toContain('fix: replace it with a regular file inside the repository');
    expect(JSON.stringify(plan)).not.toContain('root:x:0');
  });

  it('refuses a FIFO without hanging, and a link inside the repository to one', async () => {
    const root = await repo({});
    execFileSync('mkfifo', [join(root, M, 'epic-02-fifo.md')]);
    execFileSync('mkfifo', [join(root, 'pipe')]);
    symlinkSync(join(root, 'pipe'), join(root, M, 'epic-03-linked.md'));
    const plan = await parsePlan(root);
    expect(errors(plan).map((e) => e.text.split('\n')[0])).toEqual([
      `${M}/epic-02-fifo.md: epic-02-fifo.md is a FIFO (named pipe), not a regular file, so it is not read`,
      `${M}/epic-03-linked.md: epic-03-linked.md is a FIFO (named pipe), not a regular file, so it is not read`,
    ]);
  });

  it('names a dangling link and a link loop (not "plans folder does not exist"), and follows a link inside the repository', async () => {
    const root = await repo({ 'notes/shared.md': '# Shared\n\nKept elsewhere in the repo.\n' });
    symlinkSync(join(root, 'nowhere.md'), join(root, M, 'epic-02-dangling.md'));
    symlinkSync('epic-03-loop.md', join(root, M, 'epic-03-loop.md'));
    symlinkSync('../../../notes/shared.md', join(root, M, 'epic-04-shared.md'));
    const plan = await parsePlan(root);
    expect(errors(plan).map((e) => e.text.split('\n')[0])).toEqual([
      `${M}/epic-02-dangling.md: epic-02-dangling.md is a symbolic link to nothing (dangling), so it is not read`,
      `${M}/epic-03-loop.md: epic-03-loop.md is a symbolic link loop, so it is not read`,
    ]);
    expect(plan.tasks.map((t) => t.title)).toEqual(['Fine', 'Shared']);
  });

  it('refuses a module folder, a README or the plans folder itself that leads out of the repository, and a plans folder loop', async () => {
    const outside = await writeRepo({ 'secret/epic-01-x.md': '# Outside\n', 'README.md': '| x |\n' });
    cleanups.push(outside.cleanup);
    const root = await repo({});
    symlinkSync(join(outside.root, 'secret'), join(root, P, 'stolen'));
    symlinkSync(join(outside.root, 'README.md'), join(root, P, 'README.md'));
    const plan = await parsePlan(root);
    expect(errors(plan).map((e) => [e.code, e.file])).toEqual([
      ['unsafe_file', `${P}/README.md`],
      ['unsafe_file', `${P}/stolen`],
    ]);
    expect(plan.tasks.map((t) => t.title)).toEqual(['Fine']);

    const other = await repo({});
    rmSync(join(other, 'docs'), { recursive: true });
    mkdirSync(join(other, 'docs'));
    symlinkSync(join(outside.root, 'secret'), join(other, P));
    expect(errors(await parsePlan(other)).map((e) => e.text.split('\n')[0])).toEqual([`${P}: the plans folder ${P} leads to ${join(outside.root, 'secret')}, outside the repository, so it is not read`]);
    rmSync(join(other, P));
    symlinkSync('plans', join(other, P));
    expect(errors(await parsePlan(other)).map((e) => e.code)).toEqual(['unsafe_file']);
  });

  it('caps an epic at 128 KB with what to do', async () => {
    const root = await repo({ [`${M}/epic-02-huge.md`]: `# Huge\n\n${'x'.repeat(MAX_EPIC_BYTES)}\n` });
    const plan = await parsePlan(root);
    const [huge] = errors(plan);
    expect(huge).toMatchObject({ code: 'too_large', file: `${M}/epic-02-huge.md` });
    expect(huge!.text).toContain('epic-02-huge.md is 129 KB, over the 128 KB a plan file may have');
    expect(huge!.text).toContain('fix: split it into smaller epics');
  });

  it('with a cache, a file swapped for a FIFO or a link out after a first read is refused, not served from the cache', async () => {
    const root = await repo({ [`${M}/epic-02-b.md`]: '# B\n', [`${M}/epic-03-c.md`]: '# C\n' });
    const cache = createPlanFileCache();
    expect((await parsePlan(root, { cache })).tasks).toHaveLength(3);
    rmSync(join(root, M, 'epic-02-b.md'));
    execFileSync('mkfifo', [join(root, M, 'epic-02-b.md')]);
    rmSync(join(root, M, 'epic-03-c.md'));
    symlinkSync('/etc/hostname', join(root, M, 'epic-03-c.md'));
    const plan = await parsePlan(root, { cache });
    expect(errors(plan).map((e) => [e.code, e.file])).toEqual([
      ['unsafe_file', `${M}/epic-02-b.md`],
      ['unsafe_file', `${M}/epic-03-c.md`],
    ]);
  });
});

describe('frontmatter is refused before parsing when it is too big or too deep', () => {
  const fm = (yaml: string) => ({ [`${M}/epic-02-fm.md`]: `---\n${yaml}\n---\n# FM\n` });

  it.each([
    ['200 KB of nested flow collections (the whole epic is refused)', `touches: ${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'too_large', /over the 128 KB a plan file may have/],
    ['nested flow collections under the size cap', `touches: ${'['.repeat(5000)}${']'.repeat(5000)}`, 'bad_frontmatter', /nests deeper than 16 levels/],
    ['compact nested sequences', `touches:\n  ${'- '.repeat(40)}x`, 'bad_frontmatter', /nests deeper than 16 levels/],
    ['deep indentation', `touches:\n${Array.from({ length: 80 }, (_, i) => `${' '.repeat(i + 1)}-`).join('\n')} x`, 'bad_frontmatter', /nests deeper than 16 levels/],
    ['a frontmatter over 32 KB', `title: ${'y'.repeat(40_000)}`, 'bad_frontmatter', /frontmatter is 40 KB, over the 32 KB allowed/],
    [
      'alias expansion (billion laughs)',
      ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`), 'touches: *h'].join('\n'),
      'bad_frontmatter',
      /alias/i,
    ],
  ])('%s', async (_name, yaml, code, message) => {
    const started = performance.now();
    const plan = await parsePlan(await repo(fm(yaml)));
    expect(performance.now() - started).toBeLessThan(2000);
    const found = plan.issues.filter((i) => i.file === `${M}/epic-02-fm.md` && i.severity === 'error');
    expect(found.map((i) => i.code)).toContain(code);
    expect(found.map((i) => i.message).join('\n')).toMatch(message);
  });

  it('an overview\'s frontmatter has the same limits', async () => {
    const plan = await parsePlan(await repo({ [`${M}/00-overview.md`]: `---\nmodule: ${'{'.repeat(40)}\n---\n# Billing\n` }));
    expect(errors(plan).map((e) => e.text.split('\n')[0])).toEqual([`${M}/00-overview.md:2: frontmatter nests deeper than 16 levels, so it is not parsed`]);
  });

  it('leaves ordinary frontmatter alone', async () => {
    const plan = await parsePlan(await repo(fm('priority: high\ntouches:\n  - src/a/**\n  - "src/{b,c}/**"\ndepends_on: [E01]\ntitle: "[WIP] a - b - c"')));
    expect(errors(plan)).toEqual([]);
  });
});

describe('agent and model from frontmatter (they reach agent argv and config lookups)', () => {
  const epic = (yaml: string) => ({ [`${M}/epic-02-x.md`]: `---\n${yaml}\n---\n# X\n` });

  it.each([
    ['model: --version', 'model: got "--version" (string), expected a model name'],
    ['model: "gpt 5; rm -rf /"', 'model: got "gpt 5; rm -rf /" (string), expected a model name'],
    ['agent: --help', 'agent: got "--help" (string), expected an agent name'],
    ['agent: "../../bin/sh"', 'agent: got "../../bin/sh" (string), expected an agent name'],
  ])('%s is refused, naming file, line and key', async (yaml, message) => {
    const plan = await parsePlan(await repo(epic(yaml)));
    const [issue] = plan.issues.filter((i) => i.severity === 'error');
    expect(issue).toMatchObject({ code: 'bad_field', file: `${M}/epic-02-x.md`, line: 2 });
    expect(issue!.message).toContain(message);
  });

  it.each(['gpt-5.5', 'fake/fake-model', 'qwen3:14b', 'claude-sonnet-4-5[1m]', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-opus-4-1@20250805'])('model %s is a model name', async (model) => {
    const plan = await parsePlan(await repo(epic(`model: ${model}`)));
    expect(errors(plan)).toEqual([]);
    expect(plan.tasks[1]!.model).toBe(model);
  });

  it('with the configured agents, an agent that is not one of them is an error at its line; one that is passes', async () => {
    const root = await repo(epic('priority: low\nagent: fast'));
    const agents = ['claude', 'codex', 'gemini', 'opencode', 'goose', 'reviewer-x'];
    const [issue] = errors(await parsePlan(root, { agents }));
    expect(issue!.text).toContain(`${M}/epic-02-x.md:3: agent: got "fast", expected one of: claude, codex, gemini, opencode, goose, reviewer-x`);
    expect(issue!.text).toContain('add [agents.fast] to your config');
    expect(errors(await parsePlan(root, { agents: [...agents, 'fast'] }))).toEqual([]);
    writeFileSync(join(root, M, 'epic-02-x.md'), '---\nagent: codex\n---\n# X\n');
    expect(errors(await parsePlan(root, { agents }))).toEqual([]);
  });
});
