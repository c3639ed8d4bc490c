/**
 * What a secret looks like, by its value: provider API keys, forge tokens, cloud keys, chat tokens, private keys,
 * and URLs that carry a password. Used to keep secrets out of config files and out of everything Orch stores,
 * prints or posts.
 */
export const SECRET_SHAPES: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'an Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'an OpenAI-style API key', pattern: /\bsk-(?:proj-|svcacct-|live_|test_)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}/g },
  { kind: 'a GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{30,}/g },
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'a Slack token', pattern: /\bxox[abprse]-[A-Za-z0-9-]{10,}/g },
  { kind: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g },
  { kind: 'a Stripe key', pattern: /\b[rs]k_live_[A-Za-z0-9]{16,}/g },
  // OAuth access and id tokens (Codex's and Gemini CLI's logins, most web APIs) are JWTs; Google's are `ya29.`.
  { kind: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g },
  { kind: 'a Google OAuth token', pattern: /\bya29\.[A-Za-z0-9_-]{20,}/g },
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g },
  // `:\/\/` too: some JSON serialisers escape `/`.
  { kind: 'a URL with a password', pattern: /\b[a-z][a-z0-9+.-]*:(?:\/\/|\\\/\\\/)[^\s/:@\\]+:[^\s/@]+@/gi },
];

/** The kind of secret `value` contains, or undefined. */
export function secretShape(value: string): string | undefined {
  for (const s of SECRET_SHAPES) {
    s.pattern.lastIndex = 0;
    if (s.pattern.test(value)) return s.kind;
  }
  return undefined;
}
