import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { repoRootDir } from '../harness.js';
import { onProcessEnd } from '../process-end.js';

/**
 * The simulated model in its own process, so CLI calls that block a test's event loop do not block it. With
 * `scenarios` (written to `<dir>/scenarios.json`), a `[[scenario:NAME]]` marker in a prompt picks the script.
 * Ended by `close`, or when the test process ends any other way.
 */
export async function startModel(o: { scenarios?: Record<string, unknown>; dir?: string } = {}): Promise<{ url: string; close: () => void }> {
  const args = [join(repoRootDir, 'dist/src/simulator/main.js'), '--port', '0'];
  if (o.scenarios && o.dir) {
    const file = join(o.dir, 'scenarios.json');
    writeFileSync(file, JSON.stringify({ scenarios: o.scenarios }));
    args.push('--scenario', file);
  }
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  // Also when the test process is killed: the model would keep its port and run on.
  const close = onProcessEnd(() => void child.kill());
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`simulator exited with ${c}`)));
  });
  return { url: first.trim(), close };
}
