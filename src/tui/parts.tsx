import { Box, Text } from 'ink';
import { memo } from 'react';
import type { ViewLine } from '../view/index.js';
import { headerText } from './header.js';
import type { State } from './state.js';
import { colorOf, lineColor, type Color } from './theme.js';
import { useTheme, useTuiState } from './context.js';

/** A single line, cut to the width (never wrapped: layouts count rows). */
export function Line({ text, color, bold, dim, inverse }: { text: string; color?: Color; bold?: boolean; dim?: boolean; inverse?: boolean }) {
  const t = useTheme();
  return (
    <Text wrap="truncate-end" color={colorOf(t, color)} bold={bold} dimColor={t.color ? dim : false} inverse={inverse}>
      {text === '' ? ' ' : text}
    </Text>
  );
}

export const ViewLineText = memo(function ViewLineText({ line, showTime, highlight }: { line: ViewLine; showTime?: boolean; highlight?: boolean }) {
  const t = useTheme();
  return (
    <Text wrap="truncate-end" inverse={highlight}>
      {showTime && line.time ? <Text dimColor={t.color}>{line.time} </Text> : null}
      <Text color={colorOf(t, lineColor[line.kind])} bold={line.kind === 'orch'}>
        {line.text}
      </Text>
    </Text>
  );
});

/** Running/max, queued, merged today, failed, waiting for a person, tokens and spend today; connection state. */
export function Header() {
  const s = useTuiState();
  const t = useTheme();
  const h = headerText(s, t, s.size.columns);
  const conn =
    s.conn.state === 'live' ? null : s.conn.state === 'connecting' && s.conn.attempt === 0 ? 'connecting to the daemon' : (s.conn.message ?? 'reconnecting to the daemon');
  return (
    <Box flexDirection="column">
      <Box>
        <Text wrap="truncate-end">
          <Text bold color={colorOf(t, 'cyan')}>
            Orch{' '}
          </Text>
          <Text>{h.tabs.slice('Orch '.length)}</Text>
          {h.paused ? <Text color={colorOf(t, 'magenta')}>{h.paused}</Text> : null}
        </Text>
      </Box>
      {conn ? <Line text={conn} color="red" bold /> : h.counts.length === 0 ? <Line text="" /> : h.counts.map((l, i) => <Line key={i} text={l} />)}
    </Box>
  );
}

/** Most rows the status line takes: an answer or an error is read whole, the screen above gives up the rows. */
const STATUS_ROWS = 3;

/** Text in rows of at most `width` columns, broken between words; past `max` rows the rest goes on the last (cut). */
export function wrapWords(text: string, width: number, max: number): string[] {
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(' ')) {
    const next = row ? `${row} ${word}` : word;
    if (next.length <= width || !row) row = next;
    else {
      rows.push(row);
      row = word;
    }
  }
  rows.push(row);
  return rows.length > max ? [...rows.slice(0, max - 1), rows.slice(max - 1).join(' ')] : rows;
}

/**
 * The status line's rows at this width: the last action's answer or error, or the key hint. One row on a terminal
 * of fewer than 16 rows (the screen needs the others).
 */
export const statusRows = (s: State): string[] =>
  s.statusLine ? wrapWords(s.statusLine.text, Math.max(1, s.size.columns), s.size.rows < 16 ? 1 : STATUS_ROWS) : ['? keys  q quit'];

export function StatusLine() {
  const s = useTuiState();
  const rows = statusRows(s);
  if (!s.statusLine) return <Line text={rows[0]!} dim />;
  const color: Color = s.statusLine.kind === 'error' ? 'red' : s.statusLine.kind === 'ok' ? 'green' : undefined;
  return (
    <Box flexDirection="column">
      {rows.map((r, i) => (
        <Line key={i} text={r} color={color} />
      ))}
    </Box>
  );
}

/** A confirmation (y/n) or an input box, at the bottom. */
export function ModalLine() {
  const s = useTuiState();
  const t = useTheme();
  const m = s.modal;
  if (!m) return null;
  if (m.kind === 'confirm') return <Line text={`${m.message}  [y/n]`} color="yellow" bold />;
  return (
    <Text wrap="truncate-start">
      <Text color={colorOf(t, 'yellow')} bold>
        {m.label}:{' '}
      </Text>
      <Text>{m.value}</Text>
      <Text inverse> </Text>
      <Text dimColor={t.color}>  enter sends, esc cancels</Text>
    </Text>
  );
}
