import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { resolveCommand } from '../agents/resolve.js';
import { notifyStateFile, readNotifyState, readSecret } from '../notify/index.js';
import type { Check } from './doctor.js';

/**
 * Each configured notification channel: its secrets can be found, notify-send is there, and how its last delivery
 * went (the daemon records that in notify.json; a channel that keeps failing shows here).
 */
export async function notifyChecks(config: Config, env: NodeJS.ProcessEnv, configDir: string, stateDir: string): Promise<Check[]> {
  const n = config.notify;
  const secretsFile = join(configDir, 'secrets.env');
  const checks: Check[] = [];
  const secrets: Record<string, string[]> = {
    slack: n.slack ? [n.slack.webhook_url_env] : [],
    telegram: n.telegram ? [n.telegram.token_env] : [],
    webhook: n.webhook ? [n.webhook.url_env, n.webhook.secret_env].filter(Boolean) : [],
  };
  const configured = (['desktop', 'slack', 'telegram', 'webhook'] as const).filter((c) => n[c] !== false);
  if (configured.length === 0) return [{ name: 'notify', ok: true, level: 'info', detail: 'no channel configured (docs/unattended.md: [notify.slack], [notify.telegram], [notify.webhook], [notify.desktop])' }];
  const state = readNotifyState(notifyStateFile(stateDir));
  for (const c of configured) {
    const name = `notify ${c}`;
    for (const v of secrets[c] ?? []) {
      const s = readSecret(v, env, secretsFile);
      if (!s.ok) checks.push({ name, ok: false, level: 'warn', detail: s.error, fix: `the daemon reads ${v} from its own environment or ${secretsFile}; then orch notify test ${c}` });
    }
    if (c === 'desktop' && !(await resolveCommand('notify-send', env.PATH ?? ''))) {
      checks.push({ name, ok: true, level: 'info', detail: 'notify-send is not installed: desktop notifications are skipped', fix: 'install libnotify-bin (Debian, Ubuntu) or libnotify (Fedora, Arch)' });
    }
    const h = state.channels[c];
    const failing = h?.lastErrorAt && (!h.lastOkAt || h.lastErrorAt > h.lastOkAt);
    const waiting = h?.waiting ? `; ${h.waiting} waiting for another attempt, ${h.held} held for a digest after it` : '';
    if (h && failing) {
      checks.push({ name, ok: false, level: 'warn', detail: `the last delivery failed (${h.lastErrorAt}): ${h.lastError ?? 'unknown error'}; ${h.failed} failed, ${h.sent} delivered in all${waiting}`, fix: `fix the channel, then orch notify test ${c}` });
    } else {
      const held = h?.held ? `, ${h.held} held for the next digest` : '';
      checks.push({ name, ok: true, level: 'info', detail: h ? `${h.sent} delivered, last ${h.lastOkAt ?? 'never'}${held}` : 'configured; nothing sent yet (orch notify test)' });
    }
  }
  return checks;
}
