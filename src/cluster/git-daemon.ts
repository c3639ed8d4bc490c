import { spawn, type ChildProcess } from 'node:child_process';

/**
 * `git daemon` serving this one repository read-only (upload-pack only: git daemon never enables receive-pack
 * unless asked) on the address the user chose, for workers that cannot reach the project's remote.
 */
export function serveRepository(o: { listen: string; root: string; log: (m: string) => void }): { url: (host?: string) => string; close: () => void } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(o.listen);
  if (!m) throw new Error(`cluster.git_daemon "${o.listen}" is not host:port`);
  const [, host = '127.0.0.1', port = '9418'] = m;
  const child: ChildProcess = spawn('git', ['daemon', '--reuseaddr', `--listen=${host}`, `--port=${port}`, '--export-all', '--strict-paths', '--informative-errors', o.root], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  child.stderr?.on('data', (b: Buffer) => o.log(`git daemon: ${b.toString().trim()}`));
  child.on('exit', (code, sig) => o.log(`git daemon exited (${code ?? sig})`));
  child.unref();
  return {
    url: (h) => `git://${h ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host)}:${port}${o.root}`,
    close: () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
