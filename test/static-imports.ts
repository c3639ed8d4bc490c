import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** src/ of this package. */
export const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const staticImport = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/**
 * The modules a file of src/ loads before any of its code runs: its static imports, transitively (dynamic `import()`
 * and `import type` excluded; `import { type X }` counts, as verbatimModuleSyntax keeps it). Start-up budgets
 * (issue 12) depend on it, so tests check it rather than time it. Files are relative to src/, packages by name.
 */
export function staticLoads(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(staticImport)) {
      const spec = m[1] ?? '';
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
    }
  };
  visit(join(srcDir, entry));
  return { files: [...files].map((f) => relative(srcDir, f)).sort(), packages: [...packages].sort() };
}
