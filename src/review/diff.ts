import type { DiffFile, DiffHunkLine } from './types.js';

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Undo git's C-style quoting of paths with unusual characters (`"a/caf\303\251 x.txt"`). */
export function unquotePath(raw: string): string {
  const s = raw.trim();
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(p: string): string {
  const unq = unquotePath(p);
  return /^[abciow]\//.test(unq) ? unq.slice(2) : unq;
}

/** Paths from `diff --git a/x b/y` when no ---/+++ or rename lines follow (binary, mode-only, pure rename). */
function headerPaths(rest: string): { oldPath: string; path: string } {
  if (rest.startsWith('"')) {
    const end = rest.indexOf('" ', 1);
    if (end > 0) return { oldPath: stripPrefix(rest.slice(0, end + 1)), path: stripPrefix(rest.slice(end + 2)) };
  }
  // Unquoted paths may contain spaces; when both sides name the same file the split is in the middle.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3)) {
    const p = rest.slice(2, half);
    return { oldPath: p, path: p };
  }
  const idx = rest.indexOf(' b/');
  if (idx > 0) return { oldPath: stripPrefix(rest.slice(0, idx)), path: stripPrefix(rest.slice(idx + 1)) };
  return { oldPath: stripPrefix(rest), path: stripPrefix(rest) };
}

function newFile(path: string): DiffFile {
  return { path, status: 'modified', binary: false, added: [], removed: [], lines: [], sections: [] };
}

function finish(file: DiffFile): DiffFile {
  if (file.oldPath !== undefined && file.oldPath === file.path) delete file.oldPath;
  if (file.status === 'modified' && file.oldPath !== undefined) file.status = 'renamed';
  if (file.status === 'deleted' && file.oldPath !== undefined) {
    file.path = file.oldPath;
    delete file.oldPath;
  }
  return file;
}

/**
 * Parse unified diff text (`git diff --find-renames`, or plain `diff -u`) into files.
 * Never throws: text it cannot read is skipped, so callers can treat "no files" as "could not parse".
 */
export function parseDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let oldNo = 0;
  let newNo = 0;
  let oldLeft = 0;
  let newLeft = 0;
  let inHunk = false;
  const lines = text.split('\n');
  const push = (f: DiffFile | undefined) => {
    if (f) files.push(finish(f));
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const countsLeft = oldLeft > 0 || newLeft > 0;

    if (line.startsWith('diff --git ')) {
      push(file);
      const { oldPath, path } = headerPaths(line.slice('diff --git '.length));
      file = newFile(path);
      file.oldPath = oldPath;
      inHunk = false;
      oldLeft = newLeft = 0;
      continue;
    }
    if (!countsLeft && line.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ')) {
      const oldName = line.slice(4).split('\t')[0] ?? '';
      const newName = (lines[i + 1] ?? '').slice(4).split('\t')[0]?.replace(/\r$/, '') ?? '';
      if (!file || inHunk) {
        push(file);
        file = newFile(stripPrefix(newName));
      }
      if (oldName.trim() === '/dev/null') file.status = 'added';
      else file.oldPath = stripPrefix(oldName);
      if (newName.trim() === '/dev/null') file.status = 'deleted';
      else file.path = stripPrefix(newName);
      inHunk = false;
      i += 1;
      continue;
    }
    const hunk = HUNK.exec(line);
    if (hunk && file && !countsLeft) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[3]);
      oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      inHunk = true;
      const section = line.slice(hunk[0].length).trim();
      if (section !== '') file.sections.push({ line: newNo, text: section });
      continue;
    }
    if (!file) continue;
    if (inHunk) {
      // Counts decide first; when they run out (hand-edited diffs) we stay tolerant of further hunk lines.
      const c = line[0];
      let kind: DiffHunkLine['kind'] | undefined;
      if (c === '+') kind = 'add';
      else if (c === '-') kind = 'del';
      else if (c === ' ' || (line === '' && (countsLeft || i < lines.length - 1))) kind = 'ctx';
      else if (c === '\\') continue;
      if (kind) {
        const textPart = line.slice(1);
        if (kind === 'add') {
          const entry = { line: newNo, text: textPart };
          file.added.push(entry);
          file.lines.push({ ...entry, kind });
          newNo += 1;
          newLeft -= 1;
        } else if (kind === 'del') {
          const entry = { line: newNo, oldLine: oldNo, text: textPart };
          file.removed.push(entry);
          file.lines.push({ ...entry, kind });
          oldNo += 1;
          oldLeft -= 1;
        } else {
          file.lines.push({ line: newNo, oldLine: oldNo, text: textPart, kind });
          oldNo += 1;
          newNo += 1;
          oldLeft -= 1;
          newLeft -= 1;
        }
        continue;
      }
      inHunk = false;
    }
    if (line.startsWith('new file mode')) file.status = 'added';
    else if (line.startsWith('deleted file mode')) file.status = 'deleted';
    else if (line.startsWith('rename from ') || line.startsWith('copy from ')) {
      file.oldPath = unquotePath(line.replace(/^(rename|copy) from /, ''));
    } else if (line.startsWith('rename to ') || line.startsWith('copy to ')) {
      file.path = unquotePath(line.replace(/^(rename|copy) to /, ''));
      file.status = 'renamed';
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
      file.binary = true;
      const m = /^Binary files (.+) and (.+) differ$/.exec(line);
      if (m?.[1]?.trim() === '/dev/null') file.status = 'added';
      if (m?.[2]?.trim() === '/dev/null') file.status = 'deleted';
    }
  }
  push(file);
  return files;
}
