import { codeOf, commentStyle, isDocPath, isEnvFile, isStylePath, isTestPath } from '../paths.js';
import type { DiffFile } from '../types.js';
import { clip, snippet, type ReasonSet } from './collect.js';

/** Secrets that look real wherever they appear, tests included: a leaked key is leaked either way. */
const SECRET_SHAPES: Array<[string, RegExp, string]> = [
  ['security/aws-key', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'AWS access key id'],
  ['security/aws-key', /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}\b/i, 'AWS secret access key'],
  ['security/private-key', /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/, 'private key'],
  ['security/token-literal', /\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35}|sk-(ant-)?[A-Za-z0-9_-]{32,})\b/, 'API token'],
];

const SECRET_NAME = /(pass(word|wd|phrase)?|pwd|secret|api[_-]?key|private[_-]?key|access[_-]?key|client[_-]?secret|auth[_-]?token|access[_-]?token|credentials?)/i;
const LITERAL = new RegExp(`${SECRET_NAME.source}\\w*["']?\\s*(:|=|:=|=>)\\s*["'\`]([^"'\`\\s]{4,})["'\`]`, 'i');
const PLACEHOLDER = /^(\$\{|\{\{|<|%|\*+$|x+$|changeme$|your[_-]|example|placeholder|dummy|redacted|todo|process\.env|env\()/i;

/** Code that touches authentication, crypto or trust; matched on comment-free code only. */
const SENSITIVE_CODE: Array<[string, RegExp, string]> = [
  ['security/disable-verification', /rejectUnauthorized\s*:\s*false|NODE_TLS_REJECT_UNAUTHORIZED|verify\s*=\s*False|InsecureSkipVerify\s*:\s*true|strictSSL\s*:\s*false|CURLOPT_SSL_VERIFY(PEER|HOST)|ssl_verify\s*[:=]\s*(false|0)|danger_accept_invalid_certs|--insecure\b|--no-verify\b|checkServerIdentity/i, 'disables certificate or signature verification'],
  ['security/tls', /\b(minVersion|maxVersion|secureProtocol|ciphers|TLSv1(_[0-3])?|tls\.Config|ssl_context|SSLContext|honorCipherOrder)\b/, 'TLS settings'],
  ['security/cors', /Access-Control-Allow-(Origin|Credentials|Headers)|\bcors\s*\(|allowedOrigins|AllowOrigins|allow_origins|CORS_ORIGIN/i, 'CORS policy'],
  ['security/eval', /\beval\s*\(|new\s+Function\s*\(|(?<![\w.$])exec(Sync)?\s*\(|child_process|shell\s*[:=]\s*(true|True)|os\.system\s*\(|subprocess\.\w+\(|pickle\.loads?\s*\(|yaml\.load\s*\((?![^)]*SafeLoader)|dangerouslySetInnerHTML|\.innerHTML\s*=|vm\.runIn/, 'eval/exec or unsafe deserialisation'],
  ['security/crypto', /\b(createHash|createHmac|createCipheriv|createDecipheriv|randomBytes|pbkdf2|scrypt|bcrypt|argon2|crypto\.subtle|hashlib|Math\.random\(\)\s*\.toString\(36\))\b|\b(md5|sha1)\b/i, 'cryptography'],
];

/** Identifier words (after splitting camelCase and snake_case) that mean auth, secrets or permissions. */
const AUTH_WORDS = new Set([
  'auth', 'authn', 'authz', 'authenticate', 'authenticated', 'authentication', 'authorize', 'authorized',
  'authorization', 'unauthorized', 'oauth', 'oidc', 'saml', 'sso', 'mfa', 'totp', 'password', 'passwd',
  'secret', 'secrets', 'credential', 'credentials', 'jwt', 'bearer', 'csrf', 'xsrf', 'apikey', 'permission',
  'permissions', 'privilege', 'privileges', 'rbac', 'acl', 'sudo', 'encrypt', 'decrypt', 'cipher', 'hmac',
]);
const TOKEN_KIND = /(access|refresh|auth|api|id|session|bearer|csrf|secret|jwt|reset|invite)[_-]?token/i;

const PATH_WORDS = new Set([
  'auth', 'authn', 'authz', 'authentication', 'authorization', 'oauth', 'oidc', 'saml', 'sso', 'login', 'signin',
  'logout', 'password', 'passwords', 'crypto', 'cryptography', 'encryption', 'security', 'permission',
  'permissions', 'rbac', 'acl', 'acls', 'secret', 'secrets', 'credential', 'credentials', 'jwt', 'cors', 'tls',
  'ssl', 'csrf', 'mfa', 'vault', 'keystore', 'certs', 'sandbox',
]);

export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

export function securityReasons(file: DiffFile, out: ReasonSet): void {
  const test = isTestPath(file.path);
  const doc = isDocPath(file.path);
  const style = isStylePath(file.path);
  const env = isEnvFile(file.path);
  const cs = commentStyle(file.path);

  if (env) out.add('security', 'security/env-file', file.path, 'environment file committed; may hold real settings or secrets');
  if (!test && !doc && !style) {
    for (const p of [file.path, file.oldPath]) {
      const hit = p === undefined ? undefined : words(p).find((w) => PATH_WORDS.has(w));
      if (hit !== undefined) out.add('security', 'security/path', file.path, `path mentions "${hit}"`);
    }
  }

  for (const l of file.added) {
    const text = clip(l.text);
    for (const [rule, re, what] of SECRET_SHAPES) {
      if (re.test(text) && !/EXAMPLE/.test(text)) out.add('security', rule, file.path, `${what} added`, l.line);
    }
    if (test || doc) continue;
    const code = env ? text : codeOf(text, cs);
    const lit = LITERAL.exec(code);
    if (lit && !PLACEHOLDER.test(lit[4] ?? '')) {
      out.add('security', 'security/secret-literal', file.path, `hard-coded ${lit[1]?.toLowerCase()} value`, l.line);
    }
    if (env) {
      const m = /^\s*(?:export\s+)?([A-Z0-9_]+)\s*=\s*["']?([^"'\s#]+)/i.exec(text);
      if (m && SECRET_NAME.test(m[1] ?? '') && !PLACEHOLDER.test(m[2] ?? '')) {
        out.add('security', 'security/secret-literal', file.path, `${m[1]} set in an env file`, l.line);
      }
    }
  }

  if (test || doc || style || env) return;
  for (const s of file.sections) {
    const code = codeOf(clip(s.text), cs);
    const word = words(code).find((w) => AUTH_WORDS.has(w));
    if (word !== undefined || TOKEN_KIND.test(code)) {
      out.add('security', 'security/auth-context', file.path, `change inside ${snippet(code)}`, s.line);
    }
  }
  const changed = [...file.added.map((l) => ({ l, verb: 'added' })), ...file.removed.map((l) => ({ l, verb: 'removed' }))];
  for (const { l, verb } of changed) {
    const code = codeOf(clip(l.text), cs);
    if (code === '') continue;
    for (const [rule, re, what] of SENSITIVE_CODE) {
      if (re.test(code)) out.add('security', rule, file.path, `${what} ${verb}: ${snippet(code)}`, l.line);
    }
    const strings = /(["'`])(?:\\.|(?!\1).)*\1/g;
    const identifiers = code.replace(strings, ' ');
    const word = words(identifiers).find((w) => AUTH_WORDS.has(w));
    if (word !== undefined || TOKEN_KIND.test(identifiers)) {
      out.add('security', 'security/auth-code', file.path, `auth/secret code ${verb}: ${snippet(code)}`, l.line);
    }
  }
}
