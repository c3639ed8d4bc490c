import { createBackend, SUPPORTED_BACKENDS, versionSupport } from '../agents/index.js';
import { SUPPORTED_VERSIONS } from '../agents/versions.js';

type Backend = (typeof SUPPORTED_BACKENDS)[number];

/** How to get each CLI working: install, log in, and which environment variables choose its provider. */
const HINTS: Record<Backend, { install: string; login: string; providerEnv: string[] }> = {
  claude: {
    install: SUPPORTED_VERSIONS.claude.pin,
    login: 'run `claude` once and log in, or export ANTHROPIC_API_KEY',
    providerEnv: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX'],
  },
  codex: { install: SUPPORTED_VERSIONS.codex.pin, login: 'run `codex login`, or export OPENAI_API_KEY', providerEnv: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CODEX_HOME'] },
  gemini: {
    install: SUPPORTED_VERSIONS.gemini.pin,
    login: 'run `gemini` once and sign in, or export GEMINI_API_KEY',
    providerEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_GEMINI_BASE_URL'],
  },
  opencode: { install: SUPPORTED_VERSIONS.opencode.pin, login: 'run `opencode auth login`', providerEnv: ['OPENCODE_CONFIG', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY'] },
  goose: { install: 'see https://block.github.io/goose/docs/getting-started/installation', login: 'run `goose configure`', providerEnv: ['GOOSE_PROVIDER', 'GOOSE_MODEL', 'OLLAMA_HOST'] },
};

export interface AgentCliInfo {
  backend: Backend;
  label: string;
  found: boolean;
  command?: string;
  version?: string;
  /** supported | unsupported | unknown, with the message naming the range. */
  support?: ReturnType<typeof versionSupport>;
  install: string;
  login: string;
  /** Provider variables set in the environment (names only: values may be secrets). */
  providerEnv: string[];
  /** Every provider variable this CLI reads, for the hint when none is set. */
  providerEnvKnown: string[];
  error?: string;
}

/** Every supported agent CLI on PATH: found or not, its version against the supported range, and how to set it up. */
export async function inspectAgentClis(env: NodeJS.ProcessEnv): Promise<AgentCliInfo[]> {
  return Promise.all(
    SUPPORTED_BACKENDS.map(async (backend): Promise<AgentCliInfo> => {
      const hint = HINTS[backend];
      const base = {
        backend,
        label: SUPPORTED_VERSIONS[backend].label,
        install: hint.install,
        login: hint.login,
        providerEnv: hint.providerEnv.filter((name) => (env[name] ?? '') !== ''),
        providerEnvKnown: hint.providerEnv,
      };
      const c = await createBackend(backend, { env }).check();
      if (!c.ok) return { ...base, found: false, error: c.error.split('\n')[0] ?? c.error };
      return { ...base, found: true, command: c.command, ...(c.version ? { version: c.version } : {}), support: versionSupport(backend, c.version) };
    }),
  );
}
