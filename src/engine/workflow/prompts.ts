import { plural } from '../../api/index.js';
import type { TaskRow } from '../../store/index.js';

/** Characters of diff put in a role's prompt; the role can read the rest in the worktree. */
const MAX_DIFF = 60_000;
const MAX_EPIC = 20_000;

const cut = (text: string, max: number, rest: string): string => (text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters: ${rest})` : text);

const epicAndDiff = (t: TaskRow, diff: string): string[] => [
  '## The epic',
  '',
  cut(t.body.trim() || t.description || t.title, MAX_EPIC, 'see the epic file'),
  '',
  '## The change (diff against the target branch)',
  '',
  '````diff',
  cut(diff, MAX_DIFF, 'read the files in this directory'),
  '````',
  '',
];

/** G5 review step: a read-only reviewer reads the coder's diff against the epic. */
export function reviewPrompt(t: TaskRow, diff: string, round: number, maxRounds: number): string {
  return [
    `You are the reviewer of a change another agent (the coder) made for task ${t.id}: ${t.title}. The change is checked out in this directory. Read only: do not edit, create or delete any file, and do not run commands that change anything.`,
    '',
    `Review the change against the epic (review round ${round}; the coder can be asked for changes ${plural(maxRounds, 'time')} in all). Does it do what the epic asks, correctly and safely, with nothing missing? Answer one of:`,
    '- approve: it is ready to merge;',
    '- changes: the coder must change something; give each change as a comment the coder can act on (file, line, what to do);',
    '- flag: a person must decide (security, data loss, the epic is unclear or wrong, or you are not sure).',
    '',
    ...epicAndDiff(t, diff),
    'End your answer with exactly one line of JSON, nothing after it:',
    '{"verdict": "approve" | "changes" | "flag", "summary": "one line", "comments": [{"file": "path", "line": 1, "comment": "what to change"}]}',
  ].join('\n');
}

/** G5 test step: the tester writes or runs tests for the change, in its worktree. */
export function testPrompt(t: TaskRow, diff: string, testCommand: string | undefined, round: number): string {
  return [
    `You are the tester of a change another agent (the coder) made for task ${t.id}: ${t.title}. The change is checked out in this directory and you may write files in it.`,
    '',
    `Write or update tests that check the change does what the epic asks, then run them${testCommand ? ` (the project's test command is \`${testCommand}\`)` : ''}. Change only test files: do not fix the code under test; when a test shows a bug, report it. Do not commit or push: Orch commits your tests and runs the project's checks (test round ${round}).`,
    '',
    ...epicAndDiff(t, diff),
    'End your answer with exactly one line of JSON, nothing after it:',
    '{"verdict": "pass" | "fail", "summary": "one line", "failures": ["what fails, where, and why"]}',
  ].join('\n');
}

/** What goes back to the coder's session when the reviewer asks for changes. */
export function changesPrompt(agent: string, summary: string, comments: readonly string[], round: number, max: number): string {
  return [
    `The reviewer (${agent}) asked for changes to your work (round ${round} of ${max}): ${summary}`,
    '',
    ...(comments.length ? comments.map((c) => `- ${c}`) : ['- (no comments given beyond the summary)']),
    '',
    'Make these changes in this directory, then end your turn. Do not commit or push: Orch commits, runs the checks and asks the reviewer again.',
  ].join('\n');
}

/** What goes back to the coder's session when the tester's tests fail. */
export function testFailedPrompt(agent: string, summary: string, failures: readonly string[], round: number, max: number): string {
  return [
    `The tester (${agent}) found problems with your change (round ${round} of ${max}): ${summary}`,
    '',
    ...(failures.length ? failures.map((c) => `- ${c}`) : ['- (no details given beyond the summary)']),
    '',
    "The tester's tests are committed in this directory. Fix the code so they pass (change a test only when it is wrong, and say why), then end your turn. Do not commit or push: Orch does that.",
  ].join('\n');
}

/** The last `{"verdict": ...}` object in an agent's answer whose verdict is one of `verdicts`; undefined when none. */
export function lastVerdict(text: string, verdicts: readonly string[]): Record<string, unknown> | undefined {
  const starts = [...text.matchAll(/\{\s*"verdict"/g)].map((m) => m.index).reverse();
  for (const start of starts) {
    for (let end = text.lastIndexOf('}'); end > start; end = text.lastIndexOf('}', end - 1)) {
      let v: unknown;
      try {
        v = JSON.parse(text.slice(start, end + 1));
      } catch {
        continue;
      }
      if (typeof v === 'object' && v !== null && verdicts.includes(String((v as { verdict?: unknown }).verdict))) return v as Record<string, unknown>;
      break;
    }
  }
  return undefined;
}

export interface RoleVerdict {
  verdict: string;
  summary: string;
  /** Review comments as `file:line what to change`, or test failures. */
  items: string[];
}

const str = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '');

/** The reviewer's verdict: approve, changes or flag, with its comments. */
export function parseReview(text: string): RoleVerdict | undefined {
  const v = lastVerdict(text, ['approve', 'changes', 'flag']);
  if (!v) return undefined;
  const items = (Array.isArray(v.comments) ? v.comments : []).slice(0, 30).flatMap((c: unknown): string[] => {
    if (typeof c === 'string') return c ? [c.slice(0, 2000)] : [];
    if (typeof c !== 'object' || c === null) return [];
    const o = c as { file?: unknown; line?: unknown; comment?: unknown };
    const comment = str(o.comment, 2000);
    if (!comment) return [];
    const where = typeof o.file === 'string' && o.file ? `${o.file}${typeof o.line === 'number' && o.line > 0 ? `:${Math.floor(o.line)}` : ''}: ` : '';
    return [`${where}${comment}`];
  });
  return { verdict: String(v.verdict), summary: str(v.summary, 500) || String(v.verdict), items };
}

/** The tester's verdict: pass or fail, with what fails. */
export function parseTest(text: string): RoleVerdict | undefined {
  const v = lastVerdict(text, ['pass', 'fail']);
  if (!v) return undefined;
  const items = (Array.isArray(v.failures) ? v.failures : []).slice(0, 30).flatMap((f: unknown) => (typeof f === 'string' && f ? [f.slice(0, 2000)] : []));
  return { verdict: String(v.verdict), summary: str(v.summary, 500) || String(v.verdict), items };
}
