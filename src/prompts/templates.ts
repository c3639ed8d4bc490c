import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinTemplates } from './builtin.js';

export interface TemplateSource {
  name: string;
  text: string;
  /** Where it came from: a file path, or `built-in`. */
  origin: string;
}

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly origin: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Project `.orch/prompts/<name>.md`, then the user's `<configDir>/prompts/<name>.md`, then the built-in one. */
export function loadTemplate(name: string, dirs: { projectRoot: string; userConfigDir: string }): TemplateSource {
  for (const dir of [join(dirs.projectRoot, '.orch', 'prompts'), join(dirs.userConfigDir, 'prompts')]) {
    const file = join(dir, `${name}.md`);
    if (existsSync(file)) return { name, text: readFileSync(file, 'utf8'), origin: file };
  }
  const text = builtinTemplates[name];
  if (text === undefined) {
    throw new TemplateError(`no prompt template "${name}"; built-in ones: ${Object.keys(builtinTemplates).join(', ')}`, 'built-in', 0);
  }
  return { name, text, origin: 'built-in' };
}

/**
 * Replaces `{{name}}` with its value. An unknown name is an error naming the file and line, so a typo in an
 * override never reaches an agent as literal braces.
 */
export function renderTemplate(t: TemplateSource, vars: Record<string, string>): string {
  const lines = t.text.split('\n');
  return lines
    .map((line, i) =>
      line.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, key: string) => {
        const v = vars[key];
        if (v === undefined) {
          throw new TemplateError(
            `${t.origin}:${i + 1}: unknown variable {{${key}}} in prompt template "${t.name}"; known: ${Object.keys(vars).sort().join(', ')}`,
            t.origin,
            i + 1,
          );
        }
        return v;
      }),
    )
    .join('\n');
}
