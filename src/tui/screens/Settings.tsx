import { Box, Text } from 'ink';
import { useTheme, useTuiState } from '../context.js';
import { Line } from '../parts.js';
import type { SettingItem } from '../settings.js';

export function Settings({ height, items, error }: { height: number; items: SettingItem[]; error?: string }) {
  const s = useTuiState();
  const t = useTheme();
  const wide = s.size.columns >= 120;
  return (
    <Box flexDirection="column" height={height}>
      <Line text={s.size.columns >= 100 ? 'SETTINGS  enter edits; written to the file each comes from, comments kept, checked like the CLI' : 'SETTINGS  enter edits; saved to its file, comments kept'} bold color="cyan" />
      {error ? <Line text={error} color="red" /> : null}
      {items.slice(0, height - 2).map((it, i) => (
        <Text key={it.key} wrap="truncate-end" inverse={i === s.sel.settings}>
          {it.key.padEnd(24)} <Text bold>{(it.value === '' ? '""' : it.value).padEnd(14)}</Text>{' '}
          <Text dimColor={t.color}>
            {it.setIn === 'default' ? 'default' : it.shown}
            {wide ? `  ${it.help}` : ''}
          </Text>
        </Text>
      ))}
    </Box>
  );
}
