import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epic, repoRootDir, sandbox, until, type Sandbox } from '../harness.js';
import { installOrch, sh } from './cli.js';
import { width } from '../../src/cli/table.js';

// Issue 16: the CLI as a script and a person meet it: exit codes, short help, typos, pipes, colour, help texts,
// completions, config warnings, drift, read-only commands and idle daemons. One project for the whole file.
let s: Sandbox;
beforeAll(() => {
  s = sandbox({
    'docs/plans/core-module/epic-01-a.md': epic('Epic 01: A', 'First thing.', { 'src/a.txt': 'a' }),
    'docs/plans/core-module/epic-02-b.md': epic('B', 'Second thing.', { 'src/b.txt': 'b' }),
  });
  installOrch(s);
});
afterAll(() => s.cleanup());

describe('the CLI a script can trust', () => {
  it('orch alone prints short help on stdout; an unknown command is two lines and exit 2', () => {
    const bare = s.orch();
    expect(bare.status).toBe(0);
    expect(bare.stdout).toContain('orch start --wait');
    expect(bare.stdout).toContain('orch onboard          first time here');
    expect(bare.stdout.split('\n').length).toBeLessThan(15);
    const typo = s.orch('banana');
    expect(typo.status).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr.trim().split('\n')).toHaveLength(2);
    expect(typo.stderr).toContain("unknown command 'banana'");
    // A usage error of one command points at that command's help.
    const missing = s.orch('logs');
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual(["error: missing required argument 'task'", 'run `orch logs --help` for its usage and examples']);
    expect(s.orch('daemon', 'start', '--bogus').stderr).toContain('run `orch daemon start --help` for its usage and examples');
  });

  it('a project with no plan: sync exits 2 naming the folder (no `:0`) and suggests orch onboard', () => {
    const fresh = sandbox({});
    try {
      const r = fresh.orch('sync');
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^docs\/plans: error plans folder docs\/plans does not exist$/m);
      expect(r.stderr).toContain('run `orch onboard`');
      expect(r.stderr).not.toMatch(/:0\b/);
      expect(r.stderr).toContain('1 error;');
      fresh.orch('daemon', 'stop');
    } finally {
      fresh.cleanup();
    }
  });

  it('-C with a folder that does not exist says so (exit 2); --version is package.json\'s', () => {
    const r = s.orch('-C', '/nonexistent/project', 'status');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('/nonexistent/project does not exist');
    const pkg = JSON.parse(readFileSync(join(repoRootDir, 'package.json'), 'utf8')) as { version: string };
    expect(s.orch('--version').stdout.trim()).toBe(pkg.version);
  });

  it('unknown modules, tasks and states exit 2 with the valid ones', () => {
    for (const args of [['list', '--module', 'apu'], ['list', '--json', '--module', 'apu'], ['next', '--module', 'apu'], ['start', '--module', 'apu']]) {
      const r = s.orch(...args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toContain('modules in the plan: core');
    }
    for (const args of [['stop', 'banana'], ['pause', 'banana']]) {
      const r = s.orch(...args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toContain('core/E01');
    }
    const bad = s.orch('list', '--status', 'nope');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('not_started');
    // `list --json` prints the daemon's indented answer as it comes: the same text printJson makes.
    const json = s.orch('list', '--json', '--status', 'not_started');
    expect(json.status).toBe(0);
    expect((JSON.parse(json.stdout) as Array<{ id: string }>).map((t) => t.id)).toContain('core/E01');
    expect(json.stdout).toBe(`${JSON.stringify(JSON.parse(json.stdout), null, 2)}\n`);
    const none = s.orch('list', '--status', 'failed');
    expect(none.status).toBe(0);
    expect(none.stdout).toContain('no task is failed');
    expect(none.stdout).not.toContain('orch sync');
  });

  it('no colour and no emoji in a pipe; FORCE_COLOR forces colour, --no-color wins; titles lose a repeated Epic NN: prefix', async () => {
    const plain = s.orch('list');
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    expect(plain.stdout).not.toContain('🔴');
    expect(plain.stdout).toMatch(/todo\s+core\/E01/);
    expect(plain.stdout).toMatch(/core\/E01\s+medium\s+A\s/);
    const forced = await sh(s, 'NO_COLOR= FORCE_COLOR=1 orch list');
    expect(forced.stdout).toMatch(/\u001b\[1m/);
    const off = await sh(s, 'NO_COLOR= FORCE_COLOR=1 orch --no-color list');
    expect(off.stdout).not.toMatch(/\u001b\[/);
    // Per stream, on a terminal: the stream sent to a file is plain, the one left on the terminal is coloured.
    const err = join(s.base, 'err.txt');
    const out = join(s.base, 'out.txt');
    const tty = await sh(s, `env -u CI NO_COLOR= TERM=xterm-256color script -qfec 'orch list --module apu 2>${err}; orch list > ${out}; orch list --module apu; orch list' /dev/null`);
    expect(readFileSync(err, 'utf8')).toMatch(/^error: unknown module "apu"/);
    expect(readFileSync(out, 'utf8')).not.toMatch(/\u001b\[/);
    expect(tty.stdout).toContain('\u001b[31merror:\u001b[0m unknown module "apu"');
    expect(tty.stdout).toMatch(/\u001b\[1mTASK/);
  });

  it('every command has --help with examples and exit codes; serve hides its internal options', async () => {
    // Every command and subcommand, as `orch --help` and each group's --help list them.
    const listed = (help: string): string[] =>
      (help.split('\nCommands:\n')[1] ?? '').split('\n').map((l) => /^  ([a-z][\w-]*)/.exec(l)?.[1]).filter((c): c is string => !!c && c !== 'help');
    const commands = listed(s.orch('--help').stdout);
    expect(commands.length).toBeGreaterThanOrEqual(30);
    const helps = await Promise.all(commands.map(async (top) => ({ cmd: [top], r: await s.orchAsync(top, '--help') })));
    const subs = helps.flatMap(({ cmd, r }) => listed(r.stdout).map((sub) => [...cmd, sub]));
    helps.push(...(await Promise.all(subs.map(async (cmd) => ({ cmd, r: await s.orchAsync(...cmd, '--help') })))));
    expect(subs.length).toBeGreaterThanOrEqual(14);
    for (const { cmd, r } of helps) {
      expect(r.status, cmd.join(' ')).toBe(0);
      expect(r.stdout.match(/\nExit codes:\n/g), cmd.join(' ')).toHaveLength(1);
      expect(r.stdout, cmd.join(' ')).toContain('Examples:\n  $ orch');
    }
    const serve = s.orch('serve', '--help').stdout;
    expect(serve).not.toContain('--background');
    expect(serve).not.toContain('--read-only');
  });

  it('on a terminal, a task list cuts its titles to the width (wide characters counted by their cells); in a pipe rows are whole', async () => {
    s.write('docs/plans/wide-module/epic-01-w.md', epic('日本語のタイトルがとても長い ❌ and a long English tail', 'Wide.', { 'src/w.txt': 'w' }));
    s.commitAll('a wide title');
    expect(s.orch('sync').status).toBe(0);
    const tty = await sh(s, `script -qfec 'stty cols 60; orch list --module wide' /dev/null`);
    const row = tty.stdout.split(/\r?\n/).find((l) => l.includes('wide/E01')) ?? '';
    expect(row).toContain('…');
    expect(width(row.replace(/\u001b\[[0-9;]*m/g, ''))).toBeLessThanOrEqual(60);
    expect(s.orch('list', '--module', 'wide').stdout).toContain('and a long English tail');
    s.git('rm', '-q', '-r', 'docs/plans/wide-module');
    s.commitAll('drop the wide module');
    expect(s.orch('sync').status).toBe(0);
  });

  it('completions for bash, zsh and fish complete commands, task ids and modules', () => {
    expect(s.orch('completion', 'bash').stdout).toContain('complete -o default -F _orch orch');
    expect(s.orch('completion', 'zsh').stdout).toContain('#compdef orch');
    expect(s.orch('completion', 'fish').stdout).toContain('complete -c orch');
    expect(s.orch('completion', 'tcsh').status).toBe(2);
    expect(s.orch('__complete').stdout.split('\n')).toEqual(expect.arrayContaining(['start', 'status', 'completion']));
    expect(s.orch('__complete', 'start').stdout.split('\n')).toEqual(expect.arrayContaining(['core/E01', 'core/E02', '--wait']));
    expect(s.orch('__complete', 'list', '--module').stdout.trim()).toBe('core');
    expect(s.orch('__complete', 'daemon').stdout.split('\n')).toEqual(expect.arrayContaining(['start', 'restart', 'stop']));
  });

  it('a closed pipe ends orch quietly (orch logs | head -1)', async () => {
    expect(s.orch('start', '--wait').status).toBe(0);
    const run = s.orchJson<{ runs: Array<{ id: string }> }>('show', 'core/E01').runs[0]?.id ?? '';
    // A long log, far more than a pipe holds.
    const logFile = join(s.env.XDG_STATE_HOME ?? '', 'orch', 'projects');
    const file = execFileSync('find', [logFile, '-name', `${run}.log`], { encoding: 'utf8' }).trim();
    appendFileSync(file, `${new Date().toISOString()}\torch\t${'x'.repeat(200)}\n`.repeat(3000));
    const r = await sh(s, 'orch logs core/E01 | head -1; echo "status=${PIPESTATUS[0]}"');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('status=0');
    const show = await sh(s, 'orch show core/E01 | head -1; echo "status=${PIPESTATUS[0]}"');
    expect(show.stderr).toBe('');
    expect(show.stdout).toContain('core/E01');
  });

  it('orch show: description, where each dependency came from, merged as abc1234', () => {
    const r = s.orch('show', 'core/E02');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Second thing.');
    expect(r.stdout).toMatch(/core\/E01 \(merged\) \(previous epic of the module\)/);
    expect(r.stdout).toMatch(/merged as [0-9a-f]{7} on main/);
  });

  it('orch status ends with the next step', () => {
    const r = s.orch('status');
    expect(r.status).toBe(0);
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^next: all 2 tasks merged/);
  });
});

describe('the daemon a person can see', () => {
  it('unknown config keys are said with file:line and did-you-mean; a changed limit is reloaded', () => {
    s.write('.orch/config.toml', 'max_parallel_agents = 3\nmax_paralel_agents = 5\n\n[agent]\npass_env = ["FAKE_CLAUDE_*"]\n');
    const r = s.orch('status');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\.orch\/config\.toml:2: unknown key "max_paralel_agents" is ignored; did you mean "max_parallel_agents"\?/);
    // Said by every command that loads the config, once each, not only by the first after the edit.
    for (const cmd of [['list'], ['status'], ['config', 'show'], ['next']]) {
      const again = s.orch(...cmd);
      expect(again.status, cmd.join(' ')).toBe(0);
      expect(again.stderr.match(/unknown key "max_paralel_agents"/g), cmd.join(' ')).toHaveLength(1);
    }
    s.write('.orch/config.toml', 'max_parallel_agents = 5\n\n[agent]\npass_env = ["FAKE_CLAUDE_*"]\n');
    const again = s.orch('status');
    // The daemon's config watch may have taken it over before this command's drift check would have.
    if (again.stderr) expect(again.stderr).toContain('config reloaded by the daemon: max_parallel_agents 3 -> 5');
    expect(again.stdout).toContain('agents: 0/5');
    expect(s.orch('status').stderr).toBe('');
  });

  it('a shell with another ANTHROPIC_BASE_URL is told the daemon runs with the older one; daemon restart fixes it', async () => {
    const r = await sh(s, 'ANTHROPIC_BASE_URL=http://127.0.0.1:9/v1 orch status');
    expect(r.stderr).toContain('the daemon runs with an older ANTHROPIC_BASE_URL: `orch daemon restart`');
    const restart = await sh(s, 'ANTHROPIC_BASE_URL=http://127.0.0.1:9/v1 orch daemon restart');
    expect(restart.status).toBe(0);
    expect(restart.stdout).toContain('daemon started');
    const after = await sh(s, 'ANTHROPIC_BASE_URL=http://127.0.0.1:9/v1 orch status');
    expect(after.stderr).toBe('');
    expect(s.orch('daemon', 'stop').status).toBe(0);
  });

  it('daemon stop names the agents it ended; read-only commands do not resume them; start does', async () => {
    s.write('docs/plans/core-module/epic-03-c.md', epic('C', 'Third thing. [[fake:hang]]', { 'src/c.txt': 'c' }));
    s.commitAll('epic 3');
    const started = s.orch('start', 'core/E03');
    expect(started.status, started.stdout + started.stderr).toBe(0);
    await until(() => s.orchJson<{ active: Array<{ pid: number | null }> }>('status').active[0]?.pid, `the agent to run (${started.stdout})`, 40_000);
    // The CLI itself under way (a pid is there from the spawn; the sandbox's network gate starts before the CLI).
    await until(() => readFileSync(s.agentLog, 'utf8').includes('Third thing'), 'the agent CLI to start', 40_000);
    const stop = s.orch('daemon', 'stop');
    expect(stop.status).toBe(0);
    expect(stop.stdout).toContain('ended the agents of core/E03');
    expect(stop.stdout).toContain('resume on the next `orch start`');
    // Agent calls since E03's first one (a resumed call's own prompt does not repeat the epic).
    const lines = (): string[] => readFileSync(s.agentLog, 'utf8').trim().split('\n');
    const first = lines().findIndex((l) => l.includes('Third thing'));
    const calls = (): number => lines().length - first;
    expect(calls()).toBe(1);
    for (const cmd of [['list'], ['show', 'core/E03'], ['next'], ['questions']]) expect(s.orch(...cmd).status).toBe(0);
    expect(s.orchJson<{ passive: boolean }>('daemon', 'status').passive).toBe(true);
    expect(calls()).toBe(1);
    expect(s.orch('start').status).toBe(0);
    await until(() => calls() === 2, 'the run to resume after a command that asks for work');
    expect(s.orch('stop', 'core/E03').status).toBe(0);
  });

  it('an idle daemon exits after daemon.idle_minutes', async () => {
    s.orch('daemon', 'stop');
    s.write('.orch/config.toml', '[daemon]\nidle_minutes = 0.02\n\n[agent]\npass_env = ["FAKE_CLAUDE_*"]\n');
    expect(s.orch('list').status).toBe(0);
    const pid = s.orchJson<{ pid: number }>('daemon', 'status').pid;
    // The daemon runs with a small young generation (client.ts, DAEMON_NODE_FLAGS: idle RSS).
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=4');
    // Watched from outside: asking the daemon would keep it busy.
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]?.startsWith('Z');
      } catch {
        return false;
      }
    };
    await until(() => !alive(), 'the idle daemon to stop by itself', 30_000);
    s.write('.orch/config.toml', 'max_parallel_agents = 3\n\n[agent]\npass_env = ["FAKE_CLAUDE_*"]\n');
  });
});

describe('the package', () => {
  it('ships the built CLI and a LICENSE, no benchmarks, simulators or test servers; prepare builds it', () => {
    const pkg = JSON.parse(readFileSync(join(repoRootDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toContain('build');
    expect(pkg.scripts.prepack).toBeTruthy();
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRootDir, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
    const files = packed[0]?.files.map((f) => f.path) ?? [];
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'bin/orch.js', 'dist/src/cli/main.js', 'dist/src/daemon/main.js', 'schema/config.schema.json']));
    expect(files.filter((f) => /bench|simulator|testing|fixtures|fake-daemon|\.test\.|\.map$/.test(f))).toEqual([]);
  });
});
