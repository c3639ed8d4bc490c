/** The assignee Orch adds to a task it works on, as Backlog.md writes assignees (`@name`). */
export const ORCH_ASSIGNEE = '@orch';

/** A YAML scalar as Backlog.md writes it: plain when safe, single-quoted otherwise. */
function scalar(v: string): string {
  return /^[A-Za-z][A-Za-z0-9 _-]*$/.test(v) && !/^(?:true|false|null|yes|no|on|off|y|n)$/i.test(v) && !v.endsWith(' ') ? v : `'${v.replaceAll("'", "''")}'`;
}

/**
 * Rewrites a task file's frontmatter for a new status, touching only the lines it must: `status`, `updated_date`,
 * and `assignee` (Orch's `@orch` added when it starts the task, taken off when it gives the task back). Everything
 * else, body included, stays byte for byte. Returns the text unchanged when it has no frontmatter block.
 */
export function setTaskStatus(text: string, o: { status: string; assignee: string[]; now: Date }): string {
  const lines = text.split('\n');
  if (!/^---\r?$/.test(lines[0] ?? '')) return text;
  const end = lines.findIndex((l, i) => i > 0 && /^(?:---|\.\.\.)\r?$/.test(l));
  if (end < 0) return text;
  const cr = lines[0]!.endsWith('\r') ? '\r' : '';
  const front = lines.slice(1, end).map((l) => l.replace(/\r$/, ''));
  const keyAt = (key: string) => front.findIndex((l) => l.startsWith(`${key}:`));
  /** The key's line and the indented/list lines that belong to it. */
  const extent = (i: number) => {
    let j = i + 1;
    while (j < front.length && /^(?:\s+\S|-\s)/.test(front[j]!)) j++;
    return j - i;
  };
  const put = (key: string, value: string[], after?: string) => {
    const i = keyAt(key);
    if (i >= 0) front.splice(i, extent(i), ...value);
    else {
      const a = after ? keyAt(after) : -1;
      front.splice(a >= 0 ? a + extent(a) : front.length, 0, ...value);
    }
  };
  put('status', [`status: ${scalar(o.status)}`], 'title');
  put('assignee', o.assignee.length ? ['assignee:', ...o.assignee.map((a) => `  - ${scalar(a)}`)] : ['assignee: []'], 'status');
  const stamp = o.now.toISOString().slice(0, 16).replace('T', ' ');
  put('updated_date', [`updated_date: '${stamp}'`], 'created_date');
  return [lines[0]!, ...front.map((l) => l + cr), ...lines.slice(end)].join('\n');
}
