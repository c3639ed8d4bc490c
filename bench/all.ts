/**
 * `npm run bench`: runs every benchmark as its own process, one after another (each one's numbers are its own),
 * then writes docs/benchmarks.md with the machine, the versions, every row (median, min-max, floor, ratio, target)
 * and the command that reruns it. Exits 1 when any benchmark missed a target or failed to run.
 *
 *   node dist/bench/all.js [--only cli,dispatch,...] [--quick]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { pkgRoot } from './lib/project.js';
import { printResult, type BenchResult } from './lib/result.js';
import { peersSection } from './peers.js';

/** Every benchmark: name, script under dist/bench, arguments. */
const quick = process.argv.includes('--quick');
/** `--quick`: smaller sizes for a busy machine (the targets are set for the full sizes; the report says which ran). */
const BENCHES: Array<{ name: string; script: string; args: string[] }> = [
  { name: 'cli', script: 'cli.js', args: quick ? ['50', '40', '--samples', '5'] : [] },
  { name: 'dispatch', script: 'dispatch.js', args: quick ? ['10', '1000'] : [] },
  { name: 'ingest', script: 'ingest.js', args: quick ? ['10', '2'] : ['50', '5'] },
  { name: 'scale', script: 'scale.js', args: quick ? ['50', '40'] : [] },
];

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : undefined;
const out = mkdtempSync(join(tmpdir(), 'orch-bench-results-'));
const results: Array<BenchResult | { name: string; error: string; command: string }> = [];
const loadBefore = loadavg();

for (const b of BENCHES) {
  if (only && !only.has(b.name)) continue;
  const json = join(out, `${b.name}.json`);
  const command = `node dist/bench/${b.script} ${b.args.join(' ')}`.trim();
  process.stdout.write(`\n### ${b.name}: ${command}\n`);
  const r = spawnSync(process.execPath, [join(pkgRoot, 'dist', 'bench', b.script), ...b.args], {
    cwd: pkgRoot,
    env: { ...process.env, ORCH_BENCH_JSON: json },
    stdio: 'inherit',
  });
  if (existsSync(json)) results.push(JSON.parse(readFileSync(json, 'utf8')) as BenchResult);
  else results.push({ name: b.name, command, error: `exited ${r.status ?? r.signal} without a result` });
}

const version = (cmd: string, args: string[]): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0]! : 'not found';
};
const pkg = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8')) as { version: string };
const cpu = cpus();
const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));
const lines: string[] = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` (bench/all.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Every number is measured`,
  'in that run; a target is checked against the floor measured beside it (same machine, same minute). Medians',
  'with min-max of the samples. Rerun one benchmark with the command under its table (after `npm run build`).',
  '',
  '## Machine',
  '',
  `- ${osType()} ${release()}, ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  `- load average before / after: ${loadBefore.map((l) => l.toFixed(1)).join(' ')} / ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  `- node ${process.version}, ${version('git', ['--version'])}, orch ${pkg.version}`,
  ...(quick ? ['- **quick run** (`--quick`): smaller sizes than the targets are set for; see each rerun command'] : []),
  '',
];
let ok = true;
for (const r of results) {
  if ('error' in r) {
    ok = false;
    lines.push(`## ${r.name}: FAILED TO RUN`, '', r.error, '', `\`${r.command}\``, '');
    continue;
  }
  ok &&= r.ok;
  lines.push(`## ${r.title}: ${r.ok ? 'all targets met' : 'TARGET MISSED'}`, '', '| measured | median | min-max | n | vs floor | target | |', '|---|---|---|---|---|---|---|');
  for (const x of r.rows) {
    const vs = x.ratio !== undefined ? `${x.ratio.toFixed(2)}x ${x.floor}` : '';
    const mark = x.ok === undefined ? '' : x.ok ? 'ok' : '**missed**';
    lines.push(`| ${x.what}${x.detail ? ` (${x.detail})` : ''} | ${fmt(x.median)} ${x.unit} | ${x.samples > 1 ? `${fmt(x.min)}-${fmt(x.max)}` : ''} | ${x.samples} | ${vs} | ${x.target ?? ''} | ${mark} |`);
  }
  lines.push('');
  for (const n of r.notes) lines.push(`- ${n}`);
  lines.push('', `Rerun: \`${r.command}\``, '');
}
lines.push(...peersSection());
writeFileSync(join(pkgRoot, 'docs', 'benchmarks.md'), `${lines.join('\n')}\n`);
process.stdout.write('\n\n# Summary\n');
for (const r of results) if (!('error' in r)) printResult(r);
process.stdout.write(`\nwrote docs/benchmarks.md: ${ok ? 'every target met' : 'some target MISSED'}\n`);
process.exitCode = ok ? 0 : 1;
