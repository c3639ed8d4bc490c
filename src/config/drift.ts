import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * What the daemon was started with, as fingerprints a client can compare with its own (values are hashed: this
 * crosses the API, and API keys are among them): the variables agents inherit, and the config files' contents.
 */
export interface Fingerprint {
  env: Record<string, string>;
  config: Record<string, string>;
}

/** Variables that change what an agent does: model providers, credentials, proxies, PATH (which CLI is found). */
const TRACKED_PREFIXES = ['ANTHROPIC_', 'CLAUDE_CODE_', 'OPENAI_', 'CODEX_', 'GEMINI_', 'GOOGLE_', 'AWS_', 'VERTEX_', 'OPENCODE_', 'GOOSE_'];
const TRACKED_NAMES = new Set(['PATH', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'NODE_EXTRA_CA_CERTS']);
/** Set by a surrounding session or by Orch itself, not by the user's shell setup. */
const IGNORED = new Set(['CLAUDE_CODE_ENTRYPOINT', 'CLAUDE_CODE_SSE_PORT']);

const hash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

export function fingerprint(env: NodeJS.ProcessEnv, configFiles: string[], passEnv: readonly string[] = []): Fingerprint {
  const tracked = (n: string): boolean =>
    !IGNORED.has(n) &&
    (TRACKED_NAMES.has(n) || TRACKED_PREFIXES.some((p) => n.startsWith(p)) || passEnv.some((a) => (a.endsWith('*') ? n.startsWith(a.slice(0, -1)) : n === a)));
  const out: Fingerprint = { env: {}, config: {} };
  for (const [n, v] of Object.entries(env)) if (v !== undefined && tracked(n)) out.env[n] = hash(v);
  for (const f of configFiles) {
    try {
      out.config[f] = hash(readFileSync(f, 'utf8'));
    } catch {
      out.config[f] = 'missing';
    }
  }
  return out;
}

/** Names whose values differ (or are set on one side only), and config files whose contents changed. */
export function drift(daemon: Fingerprint, mine: Fingerprint): { env: string[]; config: string[] } {
  const names = new Set([...Object.keys(daemon.env), ...Object.keys(mine.env)]);
  const env = [...names].filter((n) => daemon.env[n] !== mine.env[n]).sort();
  const files = new Set([...Object.keys(daemon.config), ...Object.keys(mine.config)]);
  const config = [...files].filter((f) => (daemon.config[f] ?? 'missing') !== (mine.config[f] ?? 'missing')).sort();
  return { env, config };
}
