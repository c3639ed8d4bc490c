import { secretShape } from '../secrets/index.js';
import type { ConfigIssue } from './errors.js';
import { dottedKey, isPlainObject } from './keys.js';
import { locateKey } from './toml-locate.js';
import { keysNeedingTrust, trustState, USER_ONLY_WHY, userOnly } from './trust.js';
import type { Layer } from './validate.js';

/**
 * Keys of an untrusted project file that only the user's own config (or `orch trust`) may set, each named with
 * its file and line and what to do.
 */
export function untrustedKeyIssues(layer: Layer, configDir: string, userConfigFile: string, unknown: ReadonlySet<string>): ConfigIssue[] {
  const state = trustState(configDir, layer.file, layer.text ?? '');
  const why = state === 'changed' ? 'it changed since you trusted it' : 'it came with the repository and you have not trusted it';
  return keysNeedingTrust(layer.raw)
    .map((path) => ({ path, key: dottedKey(path) }))
    .filter(({ key }) => !unknown.has(key))
    .filter(({ path }) => state !== 'trusted' || userOnly(path))
    .map(({ path, key }) => {
      const line = layer.text === undefined ? undefined : locateKey(layer.text, path);
      if (userOnly(path)) {
        return {
          file: layer.file,
          key,
          ...(line === undefined ? {} : { line }),
          message: `a project config file may never set ${key}, trusted or not: ${USER_ONLY_WHY[path[0] ?? ''] ?? 'only you decide it'}`,
          hint: `Move ${key} to your own config, ${userConfigFile}, and remove it from ${layer.file}.`,
        };
      }
      return {
        file: layer.file,
        key,
        ...(line === undefined ? {} : { line }),
        message: `a project config file may not set ${key} (${why}): it decides what runs outside the agents' worktrees, what leaves this machine or what agents may hold`,
        hint: `Read ${layer.file}; if you trust it, run \`orch trust\` in the project (trusts this content; a later change asks again). Or move ${key} to your own config, ${userConfigFile}.`,
      };
    });
}

/** String values that look like secrets (by their shape, whatever the key is called): secrets come from the environment. */
export function secretValueIssues(layer: Layer): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (typeof v === 'string') {
      const kind = secretShape(v);
      if (!kind) return;
      const line = layer.text === undefined ? undefined : locateKey(layer.text, path);
      out.push({
        file: layer.file,
        key: dottedKey(path),
        ...(line === undefined ? {} : { line }),
        message: `the value looks like ${kind}; secrets must come from the environment, not config files (they get committed, pasted into bug reports and shown)`,
        hint: `Remove it from ${layer.file}, revoke it if the file was ever shared, and set it in the environment Orch runs in.`,
      });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(layer.raw, []);
  return out;
}
