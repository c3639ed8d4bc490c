import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configJsonSchemaText } from './json-schema.js';

/** `schema/config.schema.json` of the package this file belongs to (works from `src/` and from `dist/src/`). */
export function schemaFilePath(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'orch') {
      return path.join(dir, 'schema', 'config.schema.json');
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the orch package root above ${from}`);
    dir = parent;
  }
}

export function writeSchemaFile(file: string = schemaFilePath()): { file: string; changed: boolean } {
  const text = configJsonSchemaText();
  const changed = !existsSync(file) || readFileSync(file, 'utf8') !== text;
  if (changed) writeFileSync(file, text);
  return { file, changed };
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const { file, changed } = writeSchemaFile(process.argv[2]);
  process.stdout.write(`${changed ? 'Wrote' : 'Unchanged:'} ${file}\n`);
}
