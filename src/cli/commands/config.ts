import { createPaths } from '../../paths/index.js';
import { explainConfig, formatWarning } from '../../config/index.js';
import { existsSync } from 'node:fs';
import { CliError, Exit } from '../errors.js';
import { printJson, projectRoot, warnConfig, type GlobalOptions } from '../context.js';
import { dim } from '../format.js';

export function configShow(globals: () => GlobalOptions, o: { json?: boolean }): void {
  const root = projectRoot(globals());
  const r = explainConfig({ paths: createPaths(process.env), root });
  if (!r.ok) throw new CliError(r.error.message, Exit.input);
  warnConfig(r.warnings.map(formatWarning));
  if (o.json || globals().json) return printJson({ config: r.config, sources: Object.fromEntries(r.values.map((v) => [v.key, v.source])), files: r.files });
  const width = Math.max(...r.values.map((v) => v.key.length));
  for (const v of r.values) process.stdout.write(`${v.key.padEnd(width)} = ${JSON.stringify(v.value)}  ${dim(v.source === 'default' ? '(default)' : `(${v.source})`)}\n`);
}

export function configPath(globals: () => GlobalOptions, o: { json?: boolean }): void {
  const paths = createPaths(process.env);
  let project: string | undefined;
  try {
    project = paths.project(projectRoot(globals())).projectConfigFile;
  } catch {
    project = undefined; // outside a repository only the user file applies
  }
  const out = { user: paths.userConfigFile, userExists: existsSync(paths.userConfigFile), project: project ?? null, projectExists: project ? existsSync(project) : false };
  if (o.json || globals().json) return printJson(out);
  process.stdout.write(`user:    ${out.user}${out.userExists ? '' : dim(' (not created)')}\n`);
  process.stdout.write(`project: ${out.project ?? dim('(not in a git repository)')}${out.project && !out.projectExists ? dim(' (not created)') : ''}\n`);
}
