import { Box, Text } from 'ink';
import { useTheme, useTuiState } from '../context.js';
import { Line } from '../parts.js';
import type { SettingItem } from '../settings.js';

export function Settings({ height, items, error }: { height: number; items: SettingItem[]; error?: string }) {
  const s = useTuiState();
  const t = useTheme();
  const wide = s.size.columns >= 120;
  // Columns as wide as what they hold, so the file each value comes from fits at 60 columns.
  const shown = (v: string) => (v === '' ? '""' : v);
  const keyW = Math.max(0, ...items.map((it) => it.key.length)) + 2;
  const valueW = Math.min(16, Math.max(6, ...items.map((it) => shown(it.value).length + 2)));
  // More settings than rows (named agents add theirs): the list scrolls with the selection.
  const body = Math.max(1, height - 1 - (error ? 1 : 0));
  const top = Math.max(0, Math.min(s.sel.settings - Math.floor(body / 2), items.length - body));
  return (
    <Box flexDirection="column" height={height}>
      <Line text={s.size.columns >= 100 ? 'SETTINGS  enter edits; written to the file each comes from, comments kept, checked like the CLI' : 'SETTINGS  enter edits; saved to its file, comments kept'} bold color="cyan" />
      {error ? <Line text={error} color="red" /> : null}
      {items.slice(top, top + body).map((it, i) => (
        <Text key={it.key} wrap="truncate-end" inverse={top + i === s.sel.settings}>
          {it.key.padEnd(keyW)}<Text bold>{shown(it.value).padEnd(valueW)}</Text>
          <Text dimColor={t.color}>
            {it.setIn === 'default' ? 'default' : it.shown}
            {wide ? `  ${it.help}` : ''}
          </Text>
        </Text>
      ))}
    </Box>
  );
}
