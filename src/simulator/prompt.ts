/**
 * The simulated model's only knowledge of prompts. The convention is documented at the top of `index.ts`;
 * keep the two in step.
 */

export interface PromptDirectives {
  /** From `[[scenario:NAME]]`. */
  scenarioName?: string;
  /** Files to write, in order of appearance; `content` only for `file:PATH` fenced blocks. */
  files: Array<{ path: string; content?: string }>;
  /** From a `Verify: \`command\`` line. */
  verify?: string;
  /** The first markdown H1, else the first non-empty line. */
  title: string;
}

const MARKER = /\[\[scenario:([\w.-]+)\]\]/;
const FENCE = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\n`]*)\n([\s\S]*?)\n\1\2[ \t]*$/gm;
const DELIVERABLES_HEAD = /^\s*(?:#{1,6}\s*)?(?:\*\*|__)?Deliverables(?:\*\*|__)?\s*:?(?:\*\*|__)?\s*(.*)$/i;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
const BACKTICKED = /`([^`\s]+)`/g;
const VERIFY = /^\s*(?:[-*+]\s+)?(?:\*\*)?Verify(?:\*\*)?\s*:\s*(?:\*\*)?\s*`([^`]+)`/im;

/** A relative path inside the worktree: no absolute paths, no `..`, must look like a file. */
const isSafePath = (p: string): boolean =>
  !p.startsWith('/') && !p.startsWith('~') && !p.split('/').includes('..') && /[./]/.test(p) && !p.endsWith('/');

const deliverableLines = (lines: string[]): string[] => {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = DELIVERABLES_HEAD.exec(lines[i] ?? '');
    if (!head) continue;
    out.push(head[1] ?? '');
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim() === '' || LIST_ITEM.test(line) || /^\s{2,}\S/.test(line)) {
        out.push(line);
        continue;
      }
      break;
    }
  }
  return out;
};

export const readPromptDirectives = (text: string): PromptDirectives => {
  const files: PromptDirectives['files'] = [];
  const seen = new Set<string>();
  const add = (path: string, content?: string): void => {
    if (!isSafePath(path) || seen.has(path)) return;
    seen.add(path);
    files.push(content === undefined ? { path } : { path, content });
  };

  for (const m of text.matchAll(FENCE)) {
    const info = (m[3] ?? '').trim();
    const body = m[4] ?? '';
    if (info.startsWith('file:')) add(info.slice('file:'.length).trim(), `${body}\n`);
    else if (info === 'deliverables') for (const line of body.split('\n')) add(line.trim().replace(/^`|`$/g, ''));
  }
  const withoutFences = text.replace(FENCE, '');
  for (const line of deliverableLines(withoutFences.split('\n'))) {
    for (const m of line.matchAll(BACKTICKED)) add(m[1] ?? '');
  }

  const h1 = /^#\s+(.+)$/m.exec(withoutFences)?.[1];
  const firstLine = withoutFences.split('\n').find((l) => l.trim() !== '' && !MARKER.test(l.trim())) ?? '';
  const scenarioName = MARKER.exec(text)?.[1];
  const verify = VERIFY.exec(withoutFences)?.[1];
  return {
    ...(scenarioName ? { scenarioName } : {}),
    files,
    ...(verify ? { verify } : {}),
    title: (h1 ?? firstLine).replace(MARKER, '').trim().slice(0, 120),
  };
};
