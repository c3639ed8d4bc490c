import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { orchBin, type Sandbox } from '../harness.js';

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Puts an `orch` on the sandbox's PATH that runs the built CLI, as `npm i -g .` would. */
export function installOrch(s: Sandbox): void {
  const bin = join(s.base, 'bin', 'orch');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${orchBin}" "$@"\n`);
  chmodSync(bin, 0o755);
}

/** A shell line run the way a user's script runs it, in the sandbox's repository and environment. */
export function sh(s: Sandbox, line: string, opts: { timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', line], { cwd: s.repo, env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The pid in the project's daemon file, once one runs. */
export function daemonPid(s: Sandbox): number | undefined {
  const r = s.orchJson<{ running: boolean; pid?: number }>('daemon', 'status');
  return r.running ? r.pid : undefined;
}

export const read = (file: string): string => readFileSync(file, 'utf8');
