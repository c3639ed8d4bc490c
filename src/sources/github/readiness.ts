/** What the planner is asked about an issue, and how its answer is read. */
export interface IssueText {
  number: number;
  title: string;
  body: string;
}

export interface Readiness {
  ready: boolean;
  /** What is missing, in the planner's words (empty when ready). */
  missing: string[];
}

export const READINESS_HEADER = 'Orch readiness check for a GitHub issue';

export function readinessPrompt(issue: IssueText): string {
  return `${READINESS_HEADER}.

You decide whether an agent can start work on this issue without asking anyone. It is ready only when it has:
1. a clear problem: what is wrong or wanted, and why;
2. acceptance criteria: how a reviewer tells that it is done;
3. a bounded scope: one change a developer could finish in a day or two, not a project.

Do not change any file. Answer with exactly one line of JSON and nothing after it:
{"ready": true, "missing": []}
or
{"ready": false, "missing": ["<what is missing, said so the author can fix it>", ...]}

Issue #${issue.number}: ${issue.title}

${issue.body.trim() || '(no description)'}
`;
}

/** The last JSON object line of the answer; undefined when there is none or it has the wrong shape. */
export function parseReadiness(text: string): Readiness | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{') && l.endsWith('}'));
  for (const line of lines.reverse()) {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof v !== 'object' || v === null || typeof (v as { ready?: unknown }).ready !== 'boolean') continue;
    const missing = (v as { missing?: unknown }).missing;
    return { ready: (v as { ready: boolean }).ready, missing: Array.isArray(missing) ? missing.filter((m): m is string => typeof m === 'string').slice(0, 10) : [] };
  }
  return undefined;
}

export const COMMENT_MARKER = '<!-- orch:readiness -->';

export function notReadyComment(label: string, missing: readonly string[]): string {
  const list = missing.length > 0 ? missing.map((m) => `- ${m}`).join('\n') : '- the planner could not tell what the issue asks for';
  return `${COMMENT_MARKER}
Orch will not start this issue yet. Before an agent can work on it, it needs:

${list}

Edit the issue, then remove the \`${label}\` label and Orch checks it again on its next sync.`;
}
