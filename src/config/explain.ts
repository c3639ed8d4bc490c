import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import type { OrchPaths } from '../paths/index.js';
import { isPlainObject } from './keys.js';
import { loadConfig } from './load.js';
import type { Config } from './schema.js';
import type { ConfigWarning } from './errors.js';

export interface ExplainedValue {
  key: string;
  value: unknown;
  /** The file that set it, or `default`. */
  source: string;
}

export type ExplainResult =
  | { ok: true; config: Config; values: ExplainedValue[]; files: { user: string; project: string }; warnings: ConfigWarning[] }
  | { ok: false; error: Error };

/** The merged config (defaults < user file < project file) with, for every value, the file it came from. */
export function explainConfig(o: { paths: OrchPaths; root: string }): ExplainResult {
  const loaded = loadConfig(o);
  if (!loaded.ok) return { ok: false, error: loaded.error };
  const files = { user: o.paths.userConfigFile, project: o.paths.project(o.root).projectConfigFile };
  const layers = loaded.sources.map((file) => ({ file, raw: parse(readFileSync(file, 'utf8')) as Record<string, unknown> }));
  const values: ExplainedValue[] = [];
  const walk = (value: unknown, path: string[]): void => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      return;
    }
    let source = 'default';
    for (const layer of layers) if (has(layer.raw, path)) source = layer.file;
    values.push({ key: path.join('.'), value, source });
  };
  walk(loaded.config, []);
  return { ok: true, config: loaded.config, values, files, warnings: loaded.warnings };
}

function has(obj: Record<string, unknown>, path: string[]): boolean {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, p)) return false;
    cur = cur[p];
  }
  return true;
}
