import { Box } from 'ink';
import { useTuiState } from '../context.js';
import { helpRows } from '../keys.js';
import { Line } from '../parts.js';

export function Help({ height }: { height: number }) {
  const s = useTuiState();
  const rows = helpRows();
  const keyW = Math.max(...rows.map((r) => r[0].length)) + 2;
  const wide = s.size.columns >= 120;
  const viewW = wide ? 34 : 0;
  const body = height - 1;
  const top = Math.min(s.scroll, Math.max(0, rows.length - body));
  return (
    <Box flexDirection="column" height={height}>
      <Line text="KEYS (j/k scroll, esc back)" bold color="cyan" />
      {rows.slice(top, top + body).map(([keys, views, help], i) => (
        <Line key={i} text={`${keys.padEnd(keyW)}${wide ? (views.length > viewW - 2 ? `${views.slice(0, viewW - 4)}..` : views).padEnd(viewW) : narrowScope(views)}${help}`} />
      ))}
    </Box>
  );
}

/** Without the views column (narrower than 120), a key bound in one or two views says where: `f` follows in the log and filters the plan. */
const narrowScope = (views: string): string => (views !== 'everywhere' && views.split(',').length <= 2 ? `${views.replace(',', ', ')}: ` : '');
