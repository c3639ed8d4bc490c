import { stringify } from 'smol-toml';
import { configJsonSchema, type JsonSchema } from './json-schema.js';

/**
 * A starter config file: every key commented out at its default, under its description. Uncommenting a line
 * changes nothing until its value is edited, so defaults can evolve in later versions for untouched keys.
 */
export function defaultConfigToml(): string {
  const schema = configJsonSchema();
  const out: string[] = [
    '# Orch configuration. Every key is optional; a commented-out line shows the default.',
    '',
  ];
  const tables: Array<[string, JsonSchema]> = [];
  for (const [name, node] of Object.entries(schema.properties ?? {})) {
    if (typeof node !== 'object') continue;
    if (node.type === 'object' && node.properties !== undefined) tables.push([name, node]);
    else out.push(...entry(name, node), '');
  }
  for (const [name, table] of tables) {
    if (table.description !== undefined) out.push(...comment(table.description));
    out.push(`[${name}]`);
    for (const [key, node] of Object.entries(table.properties ?? {})) {
      if (typeof node === 'object') out.push(...entry(key, node));
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function entry(key: string, node: JsonSchema): string[] {
  const lines = node.description === undefined ? [] : comment(node.description);
  const value = isEmptyTable(node.default) ? `${key} = {}` : stringify({ [key]: node.default }).trim();
  return [...lines, `# ${value}`];
}

function comment(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

function isEmptyTable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}
