import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import type { Run } from '../../api/index.js';
import { useTheme, useTuiState } from '../context.js';
import { Line, ViewLineText } from '../parts.js';
import { running } from '../select.js';
import { paneLines, type Pane as PaneState } from '../panes.js';
import { colorOf, runMark } from '../theme.js';

/** How many panes fit: columns x rows; 0 columns means the narrow layout (a list plus one pane). */
export function paneGrid(columns: number, rows: number, agents: number): { cols: number; rows: number } {
  if (columns < 100 || rows < 30) return { cols: 0, rows: 0 };
  // Fewer agents than places: the panes they have share the whole screen.
  const cols = Math.max(1, Math.min(columns >= 150 ? 3 : 2, agents));
  return { cols, rows: Math.max(1, Math.min(rows >= 40 ? 2 : 1, Math.ceil(agents / cols))) };
}

interface PaneProps {
  run: Run;
  pane: PaneState | undefined;
  width: number;
  height: number;
  focused: boolean;
  /** Lines the daemon's stream dropped (it does not say whose): shown on the focused pane. */
  streamSkipped: number;
}

// PERF: a pane draws from its props only (no state context), so a frame re-renders the panes whose run printed, and
// inside one the lines that scrolled in (keys stay with their line; ViewLineText is memoized).
const AgentPane = memo(function AgentPane({ run, pane, width, height, focused, streamSkipped }: PaneProps) {
  const t = useTheme();
  const m = runMark(t, run.state);
  const skipped = (pane?.skipped ?? 0) + (focused ? streamSkipped : 0);
  const inner = Math.max(1, height - 3 - (skipped > 0 ? 1 : 0));
  const lines = useMemo(() => paneLines(pane, inner, { ascii: t.ascii, root: run.worktree }), [pane, inner, t.ascii, run.worktree]);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={t.ascii ? 'classic' : focused ? 'bold' : 'single'} borderColor={colorOf(t, focused ? 'cyan' : 'gray')}>
      <Text wrap="truncate-end">
        <Text color={colorOf(t, m.color)}>{m.mark} </Text>
        <Text bold>{run.taskId}</Text>
        <Text dimColor={t.color}> {run.state === 'waiting' ? `waiting: ${run.waitingReason ?? ''}` : (pane?.activity ?? run.state)}</Text>
      </Text>
      {skipped > 0 ? <Line text={`${skipped} lines skipped (L shows the whole log)`} color="magenta" /> : null}
      {lines.length === 0 ? <Line text="(no output yet)" dim /> : lines.map((l) => <ViewLineText key={l.key} line={l.line} />)}
    </Box>
  );
});

export function Agents({ height }: { height: number }) {
  const s = useTuiState();
  const t = useTheme();
  const run = running(s);
  const width = s.size.columns;
  if (run.length === 0) return <Box height={height}><Line text="no agent is running; S starts the next ready tasks, 1 goes back to the dashboard" dim /></Box>;
  const focus = Math.min(s.sel.agents, run.length - 1);
  const zoom = s.view.name === 'agents' ? s.view.zoom : null;
  const zoomed = zoom ? run.find((r) => r.id === zoom) : undefined;
  if (zoomed) return <AgentPane run={zoomed} pane={s.panes[zoomed.id]} width={width} height={height} focused streamSkipped={s.streamSkipped} />;
  const grid = paneGrid(width, height + 4, run.length);
  if (grid.cols === 0) {
    // Narrow: every agent on one line, the focused one's output below.
    const listRows = Math.min(run.length, Math.max(2, Math.floor(height / 3)));
    const start = Math.max(0, Math.min(focus - listRows + 1, run.length - listRows));
    const f = run[focus];
    return (
      <Box flexDirection="column" height={height}>
        {run.slice(start, start + listRows).map((r, i) => {
          const m = runMark(t, r.state);
          return (
            <Text key={r.id} wrap="truncate-end" inverse={start + i === focus}>
              <Text color={colorOf(t, m.color)}>{m.mark} </Text>
              {r.taskId} <Text dimColor={t.color}>{r.state === 'waiting' ? `waiting: ${r.waitingReason ?? ''}` : (s.panes[r.id]?.activity ?? r.state)}</Text>
            </Text>
          );
        })}
        {f ? <AgentPane run={f} pane={s.panes[f.id]} width={width} height={height - listRows} focused streamSkipped={s.streamSkipped} /> : null}
      </Box>
    );
  }
  const per = grid.cols * grid.rows;
  const page = Math.floor(focus / per);
  const shown = run.slice(page * per, page * per + per);
  const paneW = Math.floor(width / grid.cols);
  const paneH = Math.floor((height - 1) / grid.rows);
  const rows: Run[][] = [];
  for (let i = 0; i < shown.length; i += grid.cols) rows.push(shown.slice(i, i + grid.cols));
  return (
    <Box flexDirection="column" height={height}>
      {rows.map((row, ri) => (
        <Box key={ri} flexDirection="row">
          {row.map((r) => (
            <AgentPane key={r.id} run={r} pane={s.panes[r.id]} width={paneW} height={paneH} focused={run.indexOf(r) === focus} streamSkipped={s.streamSkipped} />
          ))}
        </Box>
      ))}
      <Line text={`${run.length} agents, page ${page + 1}/${Math.ceil(run.length / per)}  h j k l move, enter zooms, L log`} dim />
    </Box>
  );
}
