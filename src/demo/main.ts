/**
 * `npm run demo`: a temporary git repository with a 3-module, 9-epic plan, orchestrated end to end by the real
 * Claude Code CLI against the simulated model (src/simulator). No API key and no network needed.
 * `npm run demo -- --web`: the same, watched in the web page: `orch open` runs before the tasks start (the browser,
 * or the one-time link printed when there is none), and the daemon stays up after them until Ctrl-C.
 */
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startModelServer } from '../simulator/index.js';
import { demoPlan } from './plan.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = resolve(here, '../../..');
const orchBin = join(pkgRoot, 'bin', 'orch.js');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' } });
}

const web = process.argv.includes('--web');

/** Resolves on Ctrl-C (or SIGTERM): the demo's daemon and model stay up for the page until then. */
const interrupted = (): Promise<void> =>
  new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });

async function main(): Promise<number> {
  const base = mkdtempSync(join(tmpdir(), 'orch-demo-'));
  const repo = join(base, 'invoicer');
  const home = join(base, 'home');
  mkdirSync(repo, { recursive: true });
  for (const f of demoPlan()) {
    mkdirSync(dirname(join(repo, f.path)), { recursive: true });
    writeFileSync(join(repo, f.path), f.content);
  }
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'chore: plan the invoicer');

  const model = await startModelServer({});
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(pkgRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_DATA_HOME: join(home, 'data'),
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'sk-simulated-model',
    CLAUDE_CONFIG_DIR: join(home, 'claude'),
    CLAUDE_CODE_MAX_RETRIES: '2',
  };
  // Async on purpose: the simulated model is served from this process's event loop.
  const orch = (...args: string[]): Promise<number> =>
    new Promise((done) => spawn(process.execPath, [orchBin, ...args], { cwd: repo, env, stdio: 'inherit' }).once('exit', (c) => done(c ?? 1)));
  const orchJson = async (...args: string[]): Promise<unknown> =>
    JSON.parse((await promisify(execFile)(process.execPath, [orchBin, ...args, '--json'], { cwd: repo, env, encoding: 'utf8' })).stdout) as unknown;

  process.stdout.write(`\n== Orch demo: ${repo}\n== simulated model (scripted, not an LLM) at ${model.url}\n\n`);
  let code = 1;
  try {
    process.stdout.write('$ orch sync\n');
    if ((await orch('sync')) !== 0) return 2;
    process.stdout.write('\n$ orch next\n');
    (await orch('next'));
    if (web) {
      process.stdout.write('\n$ orch open\n');
      await orch('open');
    }
    process.stdout.write('\n$ orch start --wait\n');
    const t0 = Date.now();
    code = (await orch('start', '--wait'));
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    process.stdout.write('\n$ orch list\n');
    (await orch('list'));
    const status = (await orchJson('status')) as { totals: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; costUsd: number }; counts: Record<string, number> };
    process.stdout.write(`\n$ git log --oneline main\n${git(repo, 'log', '--oneline', 'main')}`);
    const t = status.totals;
    const tests = spawnSync(process.execPath, ['--test'], { cwd: repo, encoding: 'utf8' });
    process.stdout.write(
      [
        '',
        `== ${status.counts.complete ?? 0} merged, ${status.counts.failed ?? 0} failed in ${secs} s`,
        `== tokens: ${t.inputTokens} in, ${t.outputTokens} out, ${t.cacheReadTokens} cache read, ${t.cacheWriteTokens} cache write; cost (Claude Code's estimate) $${t.costUsd.toFixed(4)}`,
        `== model requests served by the simulated model: ${model.requests.length}`,
        `== the merged project's own tests (node --test): ${tests.status === 0 ? 'pass' : `FAIL\n${tests.stdout}${tests.stderr}`}`,
        `== repository: ${repo}   (plan status: ${join(repo, 'docs/plans/README.md')})`,
        `== orch state: ${home}   (XDG dirs of this demo)`,
        '',
      ].join('\n'),
    );
    if (tests.status !== 0) code = 1;
    if (web) {
      process.stdout.write(`== the page stays live until Ctrl-C (another login link: cd ${repo} && XDG_CONFIG_HOME=${env.XDG_CONFIG_HOME} XDG_STATE_HOME=${env.XDG_STATE_HOME} XDG_DATA_HOME=${env.XDG_DATA_HOME} node ${orchBin} open --print-url)\n`);
      await interrupted();
    }
  } finally {
    (await orch('daemon', 'stop'));
    await model.close();
  }
  return code;
}

process.exitCode = await main();
