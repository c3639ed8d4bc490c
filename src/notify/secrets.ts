import { readFileSync, statSync } from 'node:fs';

/**
 * Secrets of the channels (webhook URLs, bot tokens, signing keys), by the NAME of a variable: the daemon's
 * environment first, then the user's secrets file (`KEY=value` lines, `#` comments), which must be 0600 and the
 * user's own. Never from a config file.
 */
export type SecretResult = { ok: true; value: string } | { ok: false; error: string };

export function readSecret(name: string, env: NodeJS.ProcessEnv, file: string): SecretResult {
  const fromEnv = env[name];
  if (fromEnv) return { ok: true, value: fromEnv };
  let text: string;
  try {
    const st = statSync(file);
    if ((st.mode & 0o077) !== 0) return { ok: false, error: `${name} is not set, and ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${file}` };
    text = readFileSync(file, 'utf8');
  } catch {
    return { ok: false, error: `${name} is not set in the daemon's environment nor in ${file}; set it (then orch daemon restart) or add the line ${name}=... to ${file} (chmod 600)` };
  }
  const value = parseSecretsFile(text).get(name);
  if (value) return { ok: true, value };
  return { ok: false, error: `${name} is not set in the daemon's environment nor in ${file}; add the line ${name}=... to ${file}` };
}

/** `KEY=value` lines; a value may be quoted; `#` starts a comment line. */
export function parseSecretsFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2] ?? '';
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1);
    out.set(m[1] ?? '', v);
  }
  return out;
}

/** Every value of the secrets file (for the redactor), or none when it is missing or too open. */
export function secretsFileValues(file: string): string[] {
  try {
    if ((statSync(file).mode & 0o077) !== 0) return [];
    return [...parseSecretsFile(readFileSync(file, 'utf8')).values()];
  } catch {
    return [];
  }
}
