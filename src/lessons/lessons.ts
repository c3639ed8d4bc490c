import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Lesson, LessonList } from '../api/index.js';
import { lessonId, parseFeedback, type FeedbackSection } from './parse.js';

/** At most this many lessons go into one prompt, each at most LESSON_CHARS, all at most PROMPT_CHARS. */
export const MAX_LESSONS = 8;
const LESSON_CHARS = 300;
const PROMPT_CHARS = 2000;
/** A task rated this or lower with no Action line still teaches: what the reviewer wrote becomes its lesson. */
const LOW_RATING = 2;
const FILE_CHARS = 200_000;

export interface LessonsDeps {
  /** The project's checkout: feedback files are `<root>/feedback/*.md`. */
  root: string;
  /** The module of a task id, when the task is known. */
  moduleOf: (taskId: string) => string | undefined;
  /** Ids removed with `orch lessons remove` (kept in the store). */
  removed: { get: () => string[]; set: (ids: string[]) => void };
  log?: (msg: string) => void;
}

export class LessonError extends Error {
  override readonly name = 'LessonError';
}

const DAY = /^(\d{4}-\d{2}-\d{2})/;

export function createLessons(d: LessonsDeps) {
  const dir = join(d.root, 'feedback');
  let told = '';

  /** Every lesson of every well-formed feedback file, newest file first, and what kept a file out. */
  const read = (): { lessons: Lesson[]; problems: string[] } => {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.md'));
    } catch {
      return { lessons: [], problems: [] };
    }
    const lessons: Lesson[] = [];
    const problems: string[] = [];
    for (const name of names.sort().reverse()) {
      const file = `feedback/${name}`;
      const path = join(dir, name);
      const st = lstatSync(path);
      // Feedback is read from the checkout: a link could point anywhere on the machine.
      if (!st.isFile() || st.size > FILE_CHARS) {
        problems.push(`${file}:1: not used: ${st.isFile() ? `over ${FILE_CHARS} bytes` : 'not a regular file (a symlink?)'}`);
        continue;
      }
      const parsed = parseFeedback(readFileSync(path, 'utf8'), file);
      if (parsed.problems.length) {
        // A malformed file changes nothing until it is fixed.
        for (const p of parsed.problems) problems.push(`${p.file}:${p.line}: ${p.message}`);
        continue;
      }
      const day = DAY.exec(name)?.[1];
      for (const s of parsed.sections) lessons.push(...lessonsOf(s, file, day));
    }
    return { lessons, problems };
  };

  const resolve = (id: string, day: string | undefined): { taskId: string; module: string | undefined } => {
    for (const candidate of day ? [id, `${day}/${id}`] : [id]) {
      const m = d.moduleOf(candidate);
      if (m) return { taskId: candidate, module: m };
    }
    // `billing/E03` names its module even when the task is not (yet) known here.
    const prefix = /^([a-z][\w-]*)\/E\d+$/i.exec(id)?.[1];
    return { taskId: id, module: prefix };
  };

  const lessonsOf = (s: FeedbackSection, file: string, day: string | undefined): Lesson[] => {
    const task = s.taskId ? resolve(s.taskId, day) : undefined;
    const make = (text: string, scope: string, line: number): Lesson => {
      const short = text.length > LESSON_CHARS ? `${text.slice(0, LESSON_CHARS - 1)}…` : text;
      return { id: lessonId(file, scope, text), text: short, scope, source: `${file}:${line}`, taskId: task?.taskId ?? null, rating: s.rating };
    };
    const out = s.actions.map((a) => make(a.text, a.scope ?? task?.module ?? 'project', a.line));
    if (out.length === 0 && task && s.rating !== null && s.rating <= LOW_RATING && s.notes.length) {
      out.push(make(`${task.taskId} was rated ${s.rating}/5: ${s.notes.slice(0, 3).join('; ')}. Avoid that.`, task.module ?? 'project', s.line));
    }
    return out;
  };

  return {
    list(): LessonList {
      const removed = new Set(d.removed.get());
      const { lessons, problems } = read();
      return { lessons: lessons.filter((l) => !removed.has(l.id)), removed: [...removed], problems };
    },
    remove(id: string): Lesson {
      const { lessons } = read();
      const l = lessons.find((x) => x.id === id);
      if (!l) throw new LessonError(`no lesson ${id}; orch lessons lists them`);
      d.removed.set([...new Set([...d.removed.get(), id])]);
      return l;
    },
    /** The lessons for a task of `module`: its module's and the project's, lowest rating first, bounded. */
    choose(module: string): Lesson[] {
      const { lessons, problems } = this.list();
      const text = problems.join('\n');
      if (text && text !== told) d.log?.(`lessons: feedback not used:\n${text}`);
      told = text;
      const fit = lessons
        .map((l, i) => ({ l, i }))
        .filter(({ l }) => l.scope === module || l.scope === 'project')
        .sort((a, b) => (a.l.rating ?? 3) - (b.l.rating ?? 3) || a.i - b.i)
        .map(({ l }) => l);
      const out: Lesson[] = [];
      let chars = 0;
      for (const l of fit) {
        if (out.length >= MAX_LESSONS || chars + l.text.length > PROMPT_CHARS) break;
        if (out.some((o) => o.text === l.text)) continue;
        out.push(l);
        chars += l.text.length;
      }
      return out;
    },
    /** The `{{lessons}}` template variable: a section of the prompt, or "" when there is none. */
    forPrompt(module: string): string {
      const chosen = this.choose(module);
      if (!chosen.length) return '';
      return `## Lessons from feedback on earlier runs\n\n${chosen.map((l) => `- ${l.text}`).join('\n')}\n\n`;
    },
  };
}

export type Lessons = ReturnType<typeof createLessons>;
