import { parseFrontmatterYaml, splitFrontmatter, type KeyLines, type PlanIssue, type Priority } from '../../plans/index.js';

/** One Backlog.md task file (`backlog/tasks/task-7 - Title.md`): the frontmatter fields Orch reads, and the body. */
export interface BacklogTask {
  /** Lower-cased Backlog.md id: `task-7`, `task-7.1`, `back-3` with a custom prefix. */
  id: string;
  title: string;
  status: string;
  assignee: string[];
  labels: string[];
  /** Lower-cased ids, with the file line of each. */
  dependencies: Array<{ id: string; line: number }>;
  priority?: Priority;
  /** The markdown after the frontmatter, with Backlog.md's section markers taken out. */
  body: string;
  /** The text of the `## Description` section. */
  description: string;
}

/** `task-7`, `TASK-7.1`, `back-12`: a prefix of letters, a number, `.n` per subtask level. */
export const BACKLOG_TASK_ID = /^[a-z]+-\d+(?:\.\d+)*$/i;
/** Backlog.md names files `<id> - <Title>.md`; an id in the name is the fallback for a file without one. */
const FILE_ID = /^([a-z]+-\d+(?:\.\d+)*)(?: - |\.md$)/i;
/** Backlog.md's own markers around the sections it manages (`<!-- SECTION:DESCRIPTION:BEGIN -->`, `<!-- AC:END -->`). */
const MARKER = /^[ \t]*<!-- *(?:SECTION:[A-Z_]+|AC|DOD):(?:BEGIN|END) *-->[ \t]*\r?\n?/gm;

export type ParsedTaskFile = { ok: true; task: BacklogTask } | { ok: false; issue: PlanIssue };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : typeof v === 'string' && v.trim() ? v.split(',') : []).map((x) => String(x).trim()).filter(Boolean);

/** Parses one task file; `file` is repo-relative, for messages. */
export function parseTaskFile(text: string, file: string, fileName: string): ParsedTaskFile {
  const bad = (line: number, message: string, fix: string): ParsedTaskFile => ({ ok: false, issue: { severity: 'error', code: 'bad_frontmatter', file, line, message, fix } });
  const split = splitFrontmatter(text);
  if (split.kind !== 'block') return bad(1, 'a Backlog.md task file starts with `---` frontmatter (id, title, status)', 'recreate the task with `backlog task create` or add the frontmatter block');
  const yaml = parseFrontmatterYaml(split.yaml, split.yamlLine);
  if (!yaml.ok) return bad(yaml.line, `frontmatter: ${yaml.message}`, yaml.fix ?? 'fix the YAML on that line (`backlog task edit` rewrites the file)');
  const d = yaml.data;
  const rawId = typeof d.id === 'string' ? d.id.trim() : (FILE_ID.exec(fileName)?.[1] ?? '');
  if (!BACKLOG_TASK_ID.test(rawId)) return bad(yaml.lines.get('id')?.line ?? 1, `id "${rawId}" is not a Backlog.md task id`, 'use an id like task-7 (prefix, dash, number)');
  if (typeof d.status !== 'string' || !d.status.trim()) return bad(yaml.lines.get('status')?.line ?? 1, `${rawId} has no status`, 'add `status: To Do`');
  const priority = typeof d.priority === 'string' && ['high', 'medium', 'low'].includes(d.priority.toLowerCase()) ? (d.priority.toLowerCase() as Priority) : undefined;
  const body = split.body.replace(MARKER, '').trim();
  return {
    ok: true,
    task: {
      id: rawId.toLowerCase(),
      title: typeof d.title === 'string' && d.title.trim() ? d.title.trim() : rawId,
      status: d.status.trim(),
      assignee: strings(d.assignee),
      labels: strings(d.labels),
      dependencies: dependencyLines(d.dependencies, yaml.lines),
      ...(priority ? { priority } : {}),
      body,
      description: section(body, 'Description'),
    },
  };
}

function dependencyLines(value: unknown, lines: KeyLines): Array<{ id: string; line: number }> {
  const at = lines.get('dependencies');
  return strings(value).map((id, i) => ({ id: id.toLowerCase(), line: at?.items[i] ?? at?.line ?? 1 }));
}

function section(body: string, name: string): string {
  const m = new RegExp(`^##\\s+${name}\\s*\\n([\\s\\S]*?)(?=^##\\s|(?![\\s\\S]))`, 'm').exec(body);
  return m?.[1]?.trim() ?? '';
}
