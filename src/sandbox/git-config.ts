/**
 * The shared `.git/config` is readable inside the sandbox (git needs it), and it can hold credentials:
 * `http.<url>.extraheader = AUTHORIZATION: basic ...` (what actions/checkout leaves behind), a remote URL with a
 * password or a token as its user, `sendemail.smtppass`. Each agent sees a copy with those values blanked, bound
 * read-only over the real file; the real file is never changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_SHAPES } from '../secrets/index.js';

/** Keys whose value is a credential whatever it looks like. */
const SECRET_KEY = /^(\s*)([A-Za-z0-9-]*(?:extraheader|pass|password|passwd|token|secret|cookiefile)[A-Za-z0-9-]*)(\s*=).*$/i;
/** `scheme://user:password@` and `scheme://<token>@`: the password, or a user that is a token, goes. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:"]*)(:[^\s/@"]*)?@/gi;
const TOKEN_LIKE = /^[A-Za-z0-9_.~-]{30,}$/;

const blankShapes = (line: string): string =>
  SECRET_SHAPES.reduce((text, s) => text.replace(new RegExp(s.pattern.source, s.pattern.flags), '[redacted]'), line);

/** The config text without credentials; the same text when it holds none. */
export function scrubGitConfig(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const key = SECRET_KEY.exec(line);
      if (key) return `${key[1] ?? ''}${key[2] ?? ''}${key[3] ?? ''}`;
      const urls = line.replace(USERINFO, (_m, scheme: string, user: string, password: string | undefined) => {
        const keepUser = user !== '' && !TOKEN_LIKE.test(user) && blankShapes(user) === user;
        return password === undefined && keepUser ? `${scheme}${user}@` : `${scheme}${keepUser ? `${user}@` : ''}`;
      });
      return blankShapes(urls);
    })
    .join('\n');
}

/**
 * For each config file that holds a credential, a scrubbed copy in `dir` (0700; the copy 0600, named by its
 * content) to bind over it. Files that hold none, or cannot be read, are left as they are.
 */
export function scrubbedGitConfigs(files: readonly string[], dir: string): { source: string; target: string }[] {
  const out: { source: string; target: string }[] = [];
  for (const target of new Set(files)) {
    let text: string;
    try {
      if (!lstatSync(target).isFile()) continue;
      text = readFileSync(target, 'utf8');
    } catch {
      continue;
    }
    const clean = scrubGitConfig(text);
    if (clean === text) continue;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const source = join(dir, `gitconfig-${createHash('sha256').update(clean).digest('hex').slice(0, 24)}`);
    if (!existsSync(source)) {
      const tmp = `${source}.${process.pid}.tmp`;
      writeFileSync(tmp, clean, { mode: 0o600 });
      renameSync(tmp, source);
    }
    out.push({ source, target });
  }
  return out;
}
