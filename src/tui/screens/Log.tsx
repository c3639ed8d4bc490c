import { Box } from 'ink';
import type { ViewLine } from '../../view/index.js';
import { useTuiState } from '../context.js';
import { Line, ViewLineText } from '../parts.js';
import type { LogState } from '../state.js';

export function filteredLog(log: LogState): ViewLine[] {
  if (log.filter === 'tools') return log.lines.filter((l) => l.kind === 'tool' || l.kind === 'result');
  if (log.filter === 'errors') return log.lines.filter((l) => l.kind === 'error' || l.kind === 'warn');
  return log.lines;
}

/** Index of the next (dir 1) or previous (dir -1) line containing `q`, wrapping around; -1 when none. */
export function findMatch(lines: ViewLine[], q: string, from: number, dir: 1 | -1): number {
  if (!q) return -1;
  const needle = q.toLowerCase();
  for (let k = 1; k <= lines.length; k++) {
    const i = (((from + dir * k) % lines.length) + lines.length) % lines.length;
    if (lines[i]?.text.toLowerCase().includes(needle)) return i;
  }
  return -1;
}

export function Log({ height }: { height: number }) {
  const s = useTuiState();
  const log = s.log;
  const lines = filteredLog(log);
  const body = Math.max(1, height - 1);
  const top = log.follow ? Math.max(0, lines.length - body) : Math.max(0, Math.min(log.cursor - Math.floor(body / 3), lines.length - body));
  const view = s.view.name === 'log' ? s.view : undefined;
  const head = [
    `log of ${view?.taskId ?? ''} (run ${view?.runId ?? ''})`,
    `${lines.length} lines${log.dropped ? ` (${log.dropped} earlier not kept)` : ''}`,
    log.follow ? 'following' : `at ${Math.min(lines.length, top + 1)}`,
    `filter ${log.filter}`,
    log.search ? `/${log.search}` : '',
    log.loading ? 'loading' : '',
  ]
    .filter(Boolean)
    .join('  ');
  const needle = log.search.toLowerCase();
  return (
    <Box flexDirection="column" height={height}>
      <Line text={`${head}   / search, n N, f follow, t filter`} dim />
      {lines.slice(top, top + body).map((l, i) => (
        <ViewLineText key={top + i} line={l} showTime highlight={!log.follow && needle !== '' && top + i === log.cursor && l.text.toLowerCase().includes(needle)} />
      ))}
    </Box>
  );
}
