import { execFile } from 'node:child_process';
import { resolveCommand } from '../../agents/resolve.js';
import type { Notice } from '../notice.js';
import type { ChannelDeps, SendResult } from './types.js';

/** What notify-send needs to reach the session's notification daemon, and nothing else of the daemon's environment. */
const PASS = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR'];

const URGENT = new Set<Notice['kind']>(['budget.exceeded', 'question.waiting', 'agent.stuck', 'task.needs_review']);

/** `notify-send --app-name=Orch --urgency=... TITLE BODY` (argv, no shell), or skipped where notify-send is not installed. */
export function desktopSender(d: ChannelDeps): (n: Notice) => Promise<SendResult> {
  return async (n) => {
    const bin = await resolveCommand('notify-send', d.env.PATH ?? '');
    if (!bin) return { ok: true, skipped: 'notify-send is not installed here; skipped' };
    const env = Object.fromEntries(PASS.flatMap((k) => (d.env[k] === undefined ? [] : [[k, d.env[k]]])));
    const argv = ['--app-name=Orch', `--urgency=${URGENT.has(n.kind) ? 'critical' : 'normal'}`, '--', `Orch · ${d.project}: ${n.title}`, n.text];
    return new Promise<SendResult>((resolve) => {
      execFile(bin, argv, { env, timeout: d.timeoutMs, maxBuffer: 64 * 1024 }, (err, _stdout, stderr) => {
        if (!err) return resolve({ ok: true, status: 0, body: '' });
        const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        const why = e.killed ? `no answer within ${Math.round(d.timeoutMs / 1000)} s` : `exit code ${String(e.code)}${stderr ? `: ${stderr.trim().slice(0, 200)}` : ''}`;
        resolve({ ok: false, retry: false, error: `Command failed with ${why}: notify-send` });
      });
    });
  };
}
