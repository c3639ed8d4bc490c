import { readFileSync } from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import type { OrchPaths } from '../paths/index.js';
import { ConfigError, type ConfigIssue, type ConfigWarning, FLAGS_SOURCE } from './errors.js';
import { configJsonSchema } from './json-schema.js';
import { dottedKey } from './keys.js';
import { deepMerge } from './merge.js';
import { type Config, type ConfigInput, ConfigSchema } from './schema.js';
import { type Layer, unknownKeyWarnings, validateLayer } from './validate.js';
import { secretValueIssues, untrustedKeyIssues } from './project-trust.js';

export interface LoadConfigOptions {
  paths: OrchPaths;
  /** The project root; its `.orch/config.toml` is the project file. */
  root: string;
  /** Highest-precedence values, e.g. from command-line options. `undefined` values are ignored. */
  flags?: ConfigInput;
}

export type LoadConfigResult =
  | {
      ok: true;
      config: Config;
      warnings: ConfigWarning[];
      /** The files that were read, lowest precedence first, then FLAGS_SOURCE when flags set anything. */
      sources: string[];
    }
  | { ok: false; error: ConfigError };

/** The one merge of all scopes: defaults < user file < project file < flags. */
export function loadConfig({ paths, root, flags }: LoadConfigOptions): LoadConfigResult {
  const files = [...new Set([paths.userConfigFile, paths.project(root).projectConfigFile])];
  const layers: Layer[] = [];
  const issues: ConfigIssue[] = [];
  const causes: unknown[] = [];

  for (const file of files) {
    const read = readLayer(file);
    if (read.kind === 'missing') continue;
    if (read.kind === 'error') {
      issues.push(read.issue);
      causes.push(read.cause);
      continue;
    }
    layers.push(read.layer);
  }
  if (flags !== undefined) {
    const raw = deepMerge({}, flags as Record<string, unknown>);
    if (Object.keys(raw).length > 0) layers.push({ file: FLAGS_SOURCE, raw });
  }

  const warnings: ConfigWarning[] = [];
  let schema: ReturnType<typeof configJsonSchema> | undefined;
  const jsonSchema = (): ReturnType<typeof configJsonSchema> => (schema ??= configJsonSchema());
  const projectFile = paths.project(root).projectConfigFile;
  for (const layer of layers) {
    const unknown = unknownKeyWarnings(layer);
    warnings.push(...unknown);
    issues.push(...secretValueIssues(layer));
    if (layer.file === projectFile && layer.file !== paths.userConfigFile) {
      issues.push(...untrustedKeyIssues(layer, paths.configDir, paths.userConfigFile, new Set(unknown.map((w) => w.key))));
    }
    const checked = validateLayer(layer, jsonSchema);
    issues.push(...checked.issues);
    if (checked.error !== undefined) causes.push(checked.error);
  }
  if (issues.length > 0) return { ok: false, error: new ConfigError(issues, { cause: causes[0] }) };

  const merged = layers.reduce<Record<string, unknown>>((acc, layer) => deepMerge(acc, layer.raw), {});
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    // Each layer was valid alone, so this is a rule that spans keys from different files.
    const mergedIssues = result.error.issues.map(
      (i): ConfigIssue => ({ file: layers.map((l) => l.file).join(' + '), key: dottedKey(i.path.filter((s): s is string | number => typeof s !== 'symbol')), message: i.message }),
    );
    return { ok: false, error: new ConfigError(mergedIssues, { cause: result.error }) };
  }
  return { ok: true, config: result.data, warnings, sources: layers.map((l) => l.file) };
}

type ReadResult =
  | { kind: 'missing' }
  | { kind: 'ok'; layer: Layer }
  | { kind: 'error'; issue: ConfigIssue; cause: unknown };

function readLayer(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    const reason = code === 'EISDIR' ? 'it is a directory' : err instanceof Error ? err.message : String(err);
    return {
      kind: 'error',
      cause: err,
      issue: {
        file,
        key: '',
        message: `cannot read the config file: ${reason}`,
        hint: 'Make it a readable file (check its permissions), or remove it to use the defaults.',
      },
    };
  }
  return parseLayer(file, text);
}

/**
 * One project file's text on its own (defaults < this file), trusted by the caller, and no user file: what
 * `orch worker --repo URL` reads at a commit of that repository, as a CI runner reads its CI file.
 */
export function loadTrustedProjectText(file: string, text: string): LoadConfigResult {
  const read = parseLayer(file, text);
  if (read.kind === 'error') return { ok: false, error: new ConfigError([read.issue], { cause: read.cause }) };
  const layer = read.layer;
  const warnings = unknownKeyWarnings(layer);
  const issues = [...secretValueIssues(layer), ...validateLayer(layer, configJsonSchema).issues];
  if (issues.length > 0) return { ok: false, error: new ConfigError(issues) };
  const result = ConfigSchema.safeParse(layer.raw);
  if (!result.success) return { ok: false, error: new ConfigError([{ file, key: '', message: result.error.message }], { cause: result.error }) };
  return { ok: true, config: result.data, warnings, sources: [file] };
}

function parseLayer(file: string, text: string): Exclude<ReadResult, { kind: 'missing' }> {
  try {
    const parsed = parse(text);
    return { kind: 'ok', layer: { file, raw: deepMerge({}, parsed), text } };
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const reason = err.message.replace(/^Invalid TOML document: /, '').split('\n')[0] ?? err.message;
    return {
      kind: 'error',
      cause: err,
      issue: {
        file,
        key: '',
        line: err.line,
        column: err.column,
        message: `TOML syntax error: ${reason}`,
        hint: `${err.codeblock.trimEnd()}\nFix the syntax at line ${err.line}, column ${err.column} (TOML reference: https://toml.io).`,
      },
    };
  }
}
