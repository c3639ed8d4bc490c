/**
 * What a contained process may reach when the sandbox has its own network namespace (`[sandbox] network = "proxy"`).
 * Pure: strings in, a plan out.
 *
 * - Loopback endpoints the launch names (the model API of a local gateway or the scripted model server, the daemon's
 *   MCP route) are forwarded port for port: inside, 127.0.0.1:<port> (and [::1]:<port>) leads to the same port of
 *   the host, and nothing else on the host's loopback answers.
 * - Everything else goes through an HTTP(S) proxy outside the sandbox that lets through only the hosts allowed:
 *   the model providers' APIs, the hosts of the URLs the launch names (a corporate gateway in ANTHROPIC_BASE_URL),
 *   and `[sandbox] allow_hosts` (package registries, `@registries` for the common ones).
 */

export interface Forward {
  /** The port, the same inside and on the host. */
  port: number;
  /** Where the host side connects: the URL's own loopback host. */
  host: string;
}

export interface NetworkPlan {
  forwards: Forward[];
  /** Host patterns for the proxy: `name`, `name:port`, `*.suffix`, `*.suffix:port`. */
  allow: string[];
}

/** The model providers' APIs and sign-in hosts, for every backend (an agent reaches only its own in practice). */
export const PROVIDER_HOSTS: readonly string[] = [
  // Anthropic (Claude Code, OpenCode, Goose): the API, and the sign-in that refreshes a subscription's token.
  'api.anthropic.com', 'console.anthropic.com', 'platform.claude.com', 'claude.ai',
  // OpenAI (Codex, OpenCode): the API, ChatGPT sign-in and its backend.
  'api.openai.com', 'auth.openai.com', 'chatgpt.com',
  // Google (Gemini CLI): the Gemini API, Code Assist and the token endpoint; Vertex AI's regional endpoints.
  'generativelanguage.googleapis.com', 'cloudcode-pa.googleapis.com', 'oauth2.googleapis.com', 'aiplatform.googleapis.com', '*-aiplatform.googleapis.com',
  // Amazon Bedrock and the rest OpenCode's providers use most.
  'bedrock-runtime.*.amazonaws.com', 'openrouter.ai', 'api.mistral.ai', 'api.groq.com', 'api.deepseek.com', 'api.x.ai', 'models.dev',
];

/** `@registries` in allow_hosts: the package registries of the common ecosystems, read-mostly. */
export const REGISTRY_HOSTS: readonly string[] = [
  'registry.npmjs.org', 'registry.yarnpkg.com', 'pypi.org', 'files.pythonhosted.org', 'crates.io', 'index.crates.io', 'static.crates.io',
  'proxy.golang.org', 'sum.golang.org', 'rubygems.org', 'index.rubygems.org', 'repo.maven.apache.org', 'repo1.maven.org', 'jsr.io',
];

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[?::1\]?)$/i;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

const URL_RE = /\b(https?|wss?):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?/g;

/** Every http(s)/ws(s) URL's host and port in a text (a JSON value, a `-c key="url"` setting, a variable). */
export const urlsIn = (text: string): { host: string; port: number }[] => {
  const out: { host: string; port: number }[] = [];
  for (const m of text.matchAll(URL_RE)) {
    const scheme = (m[1] ?? '').toLowerCase();
    const host = (m[2] ?? '').toLowerCase();
    const port = m[3] ? Number(m[3]) : scheme === 'https' || scheme === 'wss' ? 443 : 80;
    if (host && port > 0 && port < 65536) out.push({ host, port });
  }
  return out;
};

/**
 * The plan for one launch. `texts`: what the launch was configured with (its environment's values, its argv, the
 * daemon's URL); the prompt is never among them (it goes on stdin), so plan text cannot open a port. `allowHosts`:
 * `[sandbox] allow_hosts` (`127.0.0.1:5432` forwards a local service; `@registries` expands).
 */
export const networkPlan = (texts: readonly string[], allowHosts: readonly string[] = []): NetworkPlan => {
  const forwards = new Map<number, Forward>();
  const allow = new Set<string>(PROVIDER_HOSTS);
  const addForward = (host: string, port: number): void => {
    if (!forwards.has(port)) forwards.set(port, { port, host: host.replace(/^\[|\]$/g, '') });
  };
  for (const t of texts) {
    for (const u of urlsIn(t)) {
      if (isLoopback(u.host)) addForward(u.host, u.port);
      else allow.add(`${u.host}:${u.port}`);
    }
  }
  for (const entry of allowHosts) {
    if (entry === '@registries') {
      for (const h of REGISTRY_HOSTS) allow.add(h);
      continue;
    }
    const { host, port } = splitHostPort(entry);
    if (isLoopback(host)) {
      if (port) addForward(host, port);
    } else allow.add(entry.toLowerCase());
  }
  return { forwards: [...forwards.values()].sort((a, b) => a.port - b.port), allow: [...allow] };
};

export const splitHostPort = (entry: string): { host: string; port?: number } => {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (v6) return { host: `[${v6[1] ?? ''}]`, ...(v6[2] ? { port: Number(v6[2]) } : {}) };
  const i = entry.lastIndexOf(':');
  if (i > 0 && /^\d+$/.test(entry.slice(i + 1)) && !entry.slice(0, i).includes(':')) return { host: entry.slice(0, i).toLowerCase(), port: Number(entry.slice(i + 1)) };
  return { host: entry.toLowerCase() };
};

const globToRe = (pattern: string): RegExp =>
  new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[a-z0-9-]+(?:\\.[a-z0-9-]+)*')}$`);

/**
 * Whether the proxy lets a request to host:port through. A pattern without a port allows 443 and 80; `*` stands
 * for one or more DNS labels. Loopback and IP literals pass only when a pattern names them exactly.
 */
export const hostAllowed = (allow: readonly string[], host: string, port: number): boolean => {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!h || isLoopback(h)) return false;
  return allow.some((entry) => {
    const { host: ph, port: pp } = splitHostPort(entry);
    if (pp !== undefined ? pp !== port : port !== 443 && port !== 80) return false;
    return ph.includes('*') ? globToRe(ph).test(h) : ph === h;
  });
};
