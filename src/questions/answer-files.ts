import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Signal } from '../api/index.js';

/** The most an answer may hold (the API's limit for `orch answer`). */
const MAX_CHARS = 20_000;

export interface AnswerInboxDeps {
  /** `<project>/.orch/answers`: `<question-id>.md` there answers that question. */
  dir: string;
  /** The questions still open. */
  open: () => Signal[];
  /** Answers one (as `orch answer` does); throws when it is unknown or already answered. */
  answer: (id: string, text: string, by: string) => void;
  log: (msg: string) => void;
  intervalMs?: number;
}

export interface AnswerInbox {
  /** Answers every open question that has a file; returns their ids. */
  scan: () => string[];
  start: () => void;
  stop: () => void;
}

/**
 * Answer files (O4): a person (or a script) writes `.orch/answers/<question-id>.md` in the project and the run
 * resumes in its session with the file's text as the answer. Only files named after an open question are read, so
 * an answered question's file is left alone (it stays as a record); nothing is created in the project.
 */
export function createAnswerInbox(d: AnswerInboxDeps): AnswerInbox {
  const told = new Set<string>();
  const once = (key: string, msg: string): void => {
    if (told.has(key)) return;
    told.add(key);
    d.log(msg);
  };
  let timer: NodeJS.Timeout | undefined;
  const scan = (): string[] => {
    const done: string[] = [];
    for (const q of d.open()) {
      const file = join(d.dir, `${q.id}.md`);
      const rel = `.orch/answers/${q.id}.md`;
      let text: string;
      try {
        // A symlink could point the daemon at any file it can read: only a regular file counts.
        if (!lstatSync(file).isFile()) {
          once(`${file}:type`, `answer file ${rel} is not a regular file; write the answer into the file itself`);
          continue;
        }
        text = readFileSync(file, 'utf8').trim();
      } catch {
        continue;
      }
      if (!text) {
        once(`${file}:empty`, `answer file ${rel} is empty; write the answer in it`);
        continue;
      }
      if (text.length > MAX_CHARS) {
        once(`${file}:size`, `answer file ${rel} holds ${text.length} characters, more than ${MAX_CHARS}; shorten it`);
        continue;
      }
      try {
        d.answer(q.id, text, `answer file ${rel}`);
        d.log(`question ${q.id} of ${q.taskId} answered by ${rel}`);
        done.push(q.id);
      } catch (e) {
        once(`${file}:answer`, `answer file ${rel} not used: ${(e as Error).message}`);
      }
    }
    return done;
  };
  return {
    scan,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        try {
          scan();
        } catch (e) {
          d.log(`answer files: ${(e as Error).message}`);
        }
      }, d.intervalMs ?? 2000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
