// `npm run build`: type-check and emit (tsc), bundle the CLI front, the daemon and the TUI (esbuild), build the web
// page (Vite).
// Skipped when dist/ was built from exactly these sources (paths, sizes and mtimes of every input), so the
// README's `npm ci && npm test` builds once, not twice (npm ci's `prepare` already built). `--force` rebuilds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUT_DIRS = ['src', 'bench', 'tools', 'schema'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const STAMP = join('dist', '.build-inputs');
const OUTPUTS = [join('dist', 'src', 'cli', 'orch.js'), join('dist', 'src', 'cli', 'root-help.js'), join('dist', 'src', 'daemon', 'main.js'), join('dist', 'src', 'tui', 'bundle.js'), join('dist', 'web', 'index.html')];

const walk = (dir, out) => {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
};

const fingerprint = () => {
  const h = createHash('sha256');
  const files = [...INPUT_DIRS.flatMap((d) => walk(d, [])), ...INPUT_FILES.filter((f) => existsSync(f))].sort();
  for (const f of files) {
    const s = statSync(f);
    h.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest('hex');
};

const run = (what, cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${what} failed (${r.error ? r.error.message : `exit ${String(r.status ?? r.signal)}`}); fix the errors above and run \`npm run build\` again.`);
    process.exit(r.status || 1);
  }
};

const force = process.argv.includes('--force');
const want = fingerprint();
const have = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
if (!force && have === want && OUTPUTS.every((f) => existsSync(f))) {
  console.log('build: dist/ is up to date with the sources (npm run build -- --force rebuilds)');
  process.exit(0);
}
const bin = (name) => join('node_modules', '.bin', name);
run('tsc', bin('tsc'), ['-p', 'tsconfig.build.json']);
run('the CLI bundle', process.execPath, ['tools/bundle-cli.mjs']);
run('the prerendered orch --help', process.execPath, ['tools/prerender-help.mjs']);
run('the daemon bundle', process.execPath, ['tools/bundle-daemon.mjs']);
run('the TUI bundle', process.execPath, ['tools/bundle-tui.mjs']);
run('the web page (vite)', bin('vite'), ['build', '--config', 'src/web/vite.config.ts']);
writeFileSync(STAMP, `${want}\n`);
