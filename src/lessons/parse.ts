import { createHash } from 'node:crypto';

/**
 * One feedback file (`feedback/YYYY-MM-DD.md`, seed 004's format), parsed: per `## <task id>: <title>` section a
 * `Rating: N/5`, free text and `Action:` lines. Pure: the caller reads the file and resolves task ids.
 */
export interface FeedbackSection {
  /** The task id as written in the heading (`task-002`, `billing/E03`); null for a section about no task. */
  taskId: string | null;
  heading: string;
  line: number;
  rating: number | null;
  notes: string[];
  actions: Array<{ text: string; scope: string | null; line: number }>;
}

export interface FeedbackProblem {
  file: string;
  line: number;
  message: string;
}

const TASK_HEADING = /^##\s+([\w./-]+)\s*:\s*(.*)$/;
const RATING = /^[-*]?\s*rating\s*:\s*(.*)$/i;
const ACTION = /^[-*]?\s*action\s*(?:\(([^)]*)\))?\s*:\s*(.*)$/i;
/** The bullets and marks people put before a note (✅ ⚠️ ❌ - *). */
const MARKS = /^[\s\-*•✅⚠❌✔✖️\u{1F7E2}\u{1F534}\u{1F7E1}]+/u;

export function parseFeedback(text: string, file: string): { sections: FeedbackSection[]; problems: FeedbackProblem[] } {
  const sections: FeedbackSection[] = [];
  const problems: FeedbackProblem[] = [];
  let cur: FeedbackSection | undefined;
  let fence = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (line.startsWith('```')) fence = !fence;
    if (fence || line === '' || line.startsWith('```')) return;
    if (/^#\s/.test(line)) return;
    if (line.startsWith('## ')) {
      const m = TASK_HEADING.exec(line);
      cur = { taskId: m?.[1] ?? null, heading: line.slice(3).trim(), line: n, rating: null, notes: [], actions: [] };
      sections.push(cur);
      return;
    }
    const rating = RATING.exec(line);
    if (rating) {
      const m = /^([1-5])\s*\/\s*5$/.exec(rating[1]?.trim() ?? '');
      if (!m) problems.push({ file, line: n, message: `Rating "${rating[1]?.trim() ?? ''}" is not a rating; write it as Rating: 4/5 (1 to 5)` });
      else if (!cur?.taskId) problems.push({ file, line: n, message: 'a Rating belongs under a task heading; write "## <task id>: <title>" above it' });
      else cur.rating = Number(m[1]);
      return;
    }
    const action = ACTION.exec(line);
    if (action) {
      const what = (action[2] ?? '').trim();
      const scope = action[1]?.trim() || null;
      if (!what) problems.push({ file, line: n, message: 'an Action says nothing; write what to do next time after "Action:", or remove the line' });
      else if (scope !== null && !/^[\w.-]+$/.test(scope)) problems.push({ file, line: n, message: `Action (${scope}): the scope is a module name or "project"` });
      else {
        cur ??= { taskId: null, heading: '', line: n, rating: null, notes: [], actions: [] };
        if (!sections.includes(cur)) sections.push(cur);
        cur.actions.push({ text: what, scope, line: n });
      }
      return;
    }
    const note = line.replace(MARKS, '').trim();
    if (note && cur) cur.notes.push(note);
  });
  return { sections, problems };
}

/** A lesson's id: stable while its file, scope and words stay (`orch lessons remove` keeps working after other edits). */
export const lessonId = (file: string, scope: string, text: string): string => `L${createHash('sha256').update(`${file}\0${scope}\0${text}`).digest('hex').slice(0, 7)}`;
