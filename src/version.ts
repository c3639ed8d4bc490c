import { readFileSync } from 'node:fs';

/** The version in package.json (one place to bump): read from src/ in tests and from dist/src/ once built. */
function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'orch' && pkg.version) return pkg.version;
    } catch {
      // not at this level: try the next one up
    }
  }
  return '0.0.0-unknown';
}

export const VERSION = packageVersion();
