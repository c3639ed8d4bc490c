/**
 * One cheap request to an agent's model endpoint (a model list: no tokens spent): does it answer, and are the
 * credentials accepted? A typo in ANTHROPIC_BASE_URL or a dead gateway shows here, not as minutes of "running".
 */
export interface Probe {
  url: string;
  /** Set explicitly in the environment (a gateway), not the public default. */
  custom: boolean;
  outcome: 'ok' | 'rejected' | 'unreachable' | 'unexpected' | 'no-credentials';
  detail: string;
}

interface Target {
  base: string;
  custom: boolean;
  path: string;
  headers: Record<string, string>;
  credential: string | undefined;
  credentialName: string;
}

const trim = (u: string): string => u.replace(/\/+$/, '');

function target(backend: string, env: Record<string, string | undefined>): Target | undefined {
  switch (backend) {
    case 'claude': {
      const base = env.ANTHROPIC_BASE_URL;
      const key = env.ANTHROPIC_API_KEY;
      const token = env.ANTHROPIC_AUTH_TOKEN;
      const headers: Record<string, string> = { 'anthropic-version': '2023-06-01' };
      if (key) headers['x-api-key'] = key;
      if (token) headers.authorization = `Bearer ${token}`;
      return { base: trim(base || 'https://api.anthropic.com'), custom: !!base, path: '/v1/models', headers, credential: key ?? token, credentialName: 'ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN' };
    }
    case 'codex': {
      const base = env.OPENAI_BASE_URL;
      const key = env.OPENAI_API_KEY ?? env.CODEX_API_KEY;
      return { base: trim(base || 'https://api.openai.com/v1'), custom: !!base, path: '/models', headers: key ? { authorization: `Bearer ${key}` } : {}, credential: key, credentialName: 'OPENAI_API_KEY' };
    }
    case 'gemini': {
      const base = env.GOOGLE_GEMINI_BASE_URL;
      const key = env.GEMINI_API_KEY ?? env.GOOGLE_API_KEY;
      return { base: trim(base || 'https://generativelanguage.googleapis.com'), custom: !!base, path: '/v1beta/models', headers: key ? { 'x-goog-api-key': key } : {}, credential: key, credentialName: 'GEMINI_API_KEY' };
    }
    default:
      return undefined;
  }
}

/** undefined when the backend's endpoint depends on a provider Orch does not know (OpenCode, Goose). */
export async function probeEndpoint(backend: string, env: Record<string, string | undefined>, timeoutMs = 5000): Promise<Probe | undefined> {
  const t = target(backend, env);
  if (!t) return undefined;
  const url = `${t.base}${t.path}`;
  try {
    const res = await fetch(url, { headers: t.headers, signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return { url, custom: t.custom, outcome: t.credential ? 'ok' : 'ok', detail: `answers (HTTP ${res.status})${t.credential ? ', credentials accepted' : ''}` };
    if (res.status === 401 || res.status === 403) {
      return t.credential
        ? { url, custom: t.custom, outcome: 'rejected', detail: `answers, but rejects the credentials (HTTP ${res.status})` }
        : { url, custom: t.custom, outcome: 'no-credentials', detail: `answers, but wants credentials (HTTP ${res.status}) and ${t.credentialName} is not set (a login stored by the CLI itself may still work)` };
    }
    return { url, custom: t.custom, outcome: 'unexpected', detail: `answers HTTP ${res.status}; is this the API's base URL?` };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.message === 'bad port') {
      // The Fetch standard refuses a list of ports (1, 7, 9, 6000, 10080, ...) before connecting: nothing was asked.
      const port = new URL(url).port;
      return { url, custom: t.custom, outcome: 'unreachable', detail: `port ${port} is one that fetch refuses to use (the Fetch standard's blocked ports), so it was not asked; Node-based agent CLIs refuse it too: serve the endpoint on another port` };
    }
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (e as Error).message);
    return { url, custom: t.custom, outcome: 'unreachable', detail: `does not answer: ${why}` };
  }
}
