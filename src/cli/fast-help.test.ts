import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { orchBin, repoRootDir } from '../../test/harness.js';
import { helpWidthOf, renderRootHelp, rootHelpModel } from './fast-help.js';
import { program } from './program.js';

/** What commander itself prints for `orch --help` at `width` columns. */
function commanderHelp(p: Command, width: number): string {
  let written = '';
  const saved = { ...p.configureOutput() };
  p.configureOutput({ writeOut: (s) => (written += s), getOutHelpWidth: () => width, getOutHasColors: () => false });
  try {
    p.outputHelp();
  } finally {
    p.configureOutput(saved);
  }
  return written;
}

describe('orch --help rendered ahead of time', () => {
  const model = rootHelpModel(program);

  it('is what commander prints, at every terminal width', () => {
    expect(model.groups.map((g) => g.heading)).toEqual(['Options:', 'Commands:']);
    expect(model.after).toContain('Exit codes:');
    for (let w = 1; w <= 260; w++) expect({ w, text: renderRootHelp(model, w) }).toEqual({ w, text: commanderHelp(program, w) });
  });

  it('takes the width from a terminal, 80 for a pipe', () => {
    expect(helpWidthOf({ isTTY: true, columns: 132 })).toBe(132);
    expect(helpWidthOf({ isTTY: false, columns: 132 })).toBe(80);
    expect(helpWidthOf({})).toBe(80);
  });

  it('refuses a root help it would not reproduce, at build time', async () => {
    const { Command: Cmd } = await import('commander');
    expect(() => rootHelpModel(new Cmd('x').argument('<file>', 'a file'))).toThrow(/teach src\/cli\/fast-help\.ts/);
  });

  it('the built `orch --help` prints the full CLI\'s help without loading it, and a closed pipe is quiet', () => {
    const fast = spawnSync(process.execPath, [orchBin, '--help'], { encoding: 'utf8' });
    const full = spawnSync(process.execPath, [join(repoRootDir, 'dist', 'src', 'cli', 'main.js'), '--help'], { encoding: 'utf8' });
    expect(fast.status).toBe(0);
    expect(full.status).toBe(0);
    expect(fast.stdout).toBe(full.stdout);
    expect(spawnSync(process.execPath, [orchBin, '-h', '--no-color'], { encoding: 'utf8' }).stdout).toBe(full.stdout);
    // The command tree's bundle is not loaded: a loader hook lists every module the process loads.
    const hook = `export async function load(u, c, n) { if (u.includes('/dist/src/cli/orch.js') || u.includes('commander')) process._rawDebug('LOADED ' + u); return n(u, c); }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const probed = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, orchBin, '--help'], { encoding: 'utf8' });
    expect(probed.stdout).toBe(full.stdout);
    expect(probed.stderr).not.toContain('LOADED');
    // A sub-command's help still comes from commander.
    expect(spawnSync(process.execPath, [orchBin, 'sync', '--help'], { encoding: 'utf8' }).stdout).toContain('Usage: orch sync');
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${orchBin}" --help | head -1`], { encoding: 'utf8' });
    expect(piped.stdout).toBe('Usage: orch [options] [command]\n');
    expect(piped.stderr).toBe('');
  });
});
