/**
 * The agent CLIs keep their login in files the agent itself can read (its CLI's own config dir is writable inside
 * the sandbox): an OAuth access or refresh token, or an API key stored by `codex login`. An agent can print them, so
 * their values are blanked like the environment's secrets. Tokens refreshed during a run are new values: the shapes
 * (`sk-ant-`, JWTs, `ya29.`) catch those.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

const SECRET_KEY = /token|key|secret|password|credential/i;

const files = (env: NodeJS.ProcessEnv): string[] => {
  const home = env.HOME ?? '';
  const xdgData = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return [
    join(env.CLAUDE_CONFIG_DIR || join(home, '.claude'), '.credentials.json'),
    join(env.CODEX_HOME || join(home, '.codex'), 'auth.json'),
    join(env.GEMINI_CLI_HOME || home, '.gemini', 'oauth_creds.json'),
    join(xdgData, 'opencode', 'auth.json'),
    join(home, '.config', 'goose', 'secrets.yaml'),
  ].filter(isAbsolute);
};

const collect = (value: unknown, key: string, out: Set<string>): void => {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) && value.length >= 16) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, key, out);
  } else if (value && typeof value === 'object') {
    // A secret-named object (`tokens: {...}`) makes every string inside it a secret.
    for (const [k, v] of Object.entries(value)) collect(v, SECRET_KEY.test(key) ? key : k, out);
  }
};

/** Every token, key and secret in the agent CLIs' credential files; files that are missing or not JSON give none. */
export function cliCredentialValues(env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const f of files(env)) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    try {
      collect(JSON.parse(text), '', out);
    } catch {
      // YAML (goose): `name: value` lines under secret-named keys.
      for (const m of text.matchAll(/^\s*([\w.-]+)\s*:\s*["']?([^"'\s#]{16,})["']?\s*$/gm)) if (m[1] && m[2] && SECRET_KEY.test(m[1])) out.add(m[2]);
    }
  }
  return [...out];
}
