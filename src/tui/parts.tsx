import { Box, Text } from 'ink';
import { memo } from 'react';
import type { ViewLine } from '../view/index.js';
import { headerText } from './header.js';
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

export function StatusLine() {
  const s = useTuiState();
  if (!s.statusLine) return <Line text="? keys  q quit" dim />;
  const color: Color = s.statusLine.kind === 'error' ? 'red' : s.statusLine.kind === 'ok' ? 'green' : undefined;
  return <Line text={s.statusLine.text} color={color} />;
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
