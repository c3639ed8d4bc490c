import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Signal } from '../api/index.js';
import { createAnswerInbox } from './answer-files.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'orch-answers-')), '.orch', 'answers');
});
afterEach(() => rmSync(join(dir, '..', '..'), { recursive: true, force: true }));

const question = (id: string): Signal => ({ id, runId: 'r1', taskId: 'app/E01', kind: 'question', text: 'Which currency?', audience: 'human', answer: null, answeredBy: null, createdAt: '', answeredAt: null });

describe('answer files', () => {
  it('answers an open question with its file, once; other files and odd ones are left alone and told once', () => {
    const open = new Map([['qa', question('qa')], ['qb', question('qb')], ['qc', question('qc')], ['qd', question('qd')]]);
    const answered: Array<[string, string, string]> = [];
    const log: string[] = [];
    const inbox = createAnswerInbox({
      dir,
      open: () => [...open.values()],
      answer: (id, text, by) => {
        if (id === 'qd') throw new Error('question qd was already answered');
        answered.push([id, text, by]);
        open.delete(id);
      },
      log: (m) => log.push(m),
    });
    expect(inbox.scan()).toEqual([]); // no folder: nothing, no error
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'qa.md'), '\nEUR, with two decimals.\n\n');
    writeFileSync(join(dir, 'qb.md'), '   \n');
    writeFileSync(join(dir, 'elsewhere.txt'), 'secret');
    symlinkSync(join(dir, 'elsewhere.txt'), join(dir, 'qc.md'));
    writeFileSync(join(dir, 'qd.md'), 'late');
    writeFileSync(join(dir, 'unknown.md'), 'for nobody');
    expect(inbox.scan()).toEqual(['qa']);
    expect(answered).toEqual([['qa', 'EUR, with two decimals.', 'answer file .orch/answers/qa.md']]);
    expect(inbox.scan()).toEqual([]);
    expect(answered).toHaveLength(1);
    expect(log.filter((l) => l.includes('qb.md'))).toEqual(['answer file .orch/answers/qb.md is empty; write the answer in it']);
    expect(log.filter((l) => l.includes('qc.md'))).toEqual(['answer file .orch/answers/qc.md is not a regular file; write the answer into the file itself']);
    expect(log.filter((l) => l.includes('qd.md'))).toEqual(['answer file .orch/answers/qd.md not used: question qd was already answered']);
    expect(log).toContain('question qa of app/E01 answered by .orch/answers/qa.md');
    writeFileSync(join(dir, 'qb.md'), 'x'.repeat(20_001));
    inbox.scan();
    expect(log).toContain('answer file .orch/answers/qb.md holds 20001 characters, more than 20000; shorten it');
  });
});
