import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { repoRootDir } from '../harness.js';

/** The simulated model in its own process, so CLI calls that block a test's event loop do not block it. */
export async function startModel(): Promise<{ url: string; close: () => void }> {
  const child: ChildProcess = spawn(process.execPath, [join(repoRootDir, 'dist/src/simulator/main.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`simulator exited with ${c}`)));
  });
  return { url: first.trim(), close: () => child.kill() };
}
