import type { RunDiff } from '../api/index.js';

/**
 * A run's parsed change (`GET /api/runs/:id/diff`, the one diff endpoint the web page uses too) as the unified text
 * the diff screen colours by its first character: a `+++` header per file, `@@` where the line numbers jump.
 */
export function diffText(d: RunDiff): { text: string; truncated: boolean } {
  const out: string[] = [];
  for (const f of d.files) {
    out.push(`--- ${f.oldPath ?? f.path}`, `+++ ${f.path}  (${f.status}, +${f.additions} -${f.deletions})`);
    if (f.binary) out.push(' (binary file)');
    let next = -1;
    for (const l of f.lines) {
      if (l.line !== next && l.kind !== 'del') out.push(`@@ line ${l.line} @@`);
      out.push(`${l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' '}${l.text}`);
      if (l.kind !== 'del') next = l.line + 1;
    }
  }
  return { text: out.join('\n'), truncated: d.files.some((f) => f.truncated) };
}
