import type { Event } from '../../api/index.js';
import { eventLines, type LineKind } from '../../view/lines.js';
import { cost, tokens, usageTokens } from './format.js';

/** What one persisted event says, for the dashboard's feed: the CLI's and terminal UI's line, else a short summary. */
export function feedDetail(e: Event): { kind: LineKind; text: string } {
  const line = eventLines(e, { argsMax: 120 })[0];
  if (line) return { kind: line.kind, text: line.text };
  const info = (text: string) => ({ kind: 'info' as const, text });
  switch (e.type) {
    case 'task.status': {
      const d = e.data;
      const why = d.blocked ?? (d.held ? `held: ${d.held}${d.by ? ` by ${d.by}` : ''}` : d.note ?? d.maintenance);
      return info(`${d.status.replace('_', ' ')}${why ? ` (${why})` : ''}`);
    }
    case 'run.usage':
      return info(`${tokens(usageTokens(e.data))} tokens, ${cost(e.data.costUsd)}`);
    case 'sync':
      return e.data.ok ? info(`plan read: ${e.data.added} added, ${e.data.updated} updated, ${e.data.removed.length} removed`) : { kind: 'error', text: `plan not read: ${e.data.issues} problems (orch sync says where)` };
    case 'batch.started':
      return info(e.data.scope.module ? `module ${e.data.scope.module}` : e.data.scope.tasks.length ? `${e.data.scope.tasks.length} task${e.data.scope.tasks.length === 1 ? '' : 's'}` : 'every ready task');
    case 'worktree.orphan':
      return { kind: 'warn', text: `${e.data.kind} ${e.data.path}${e.data.savedRef ? ` saved to ${e.data.savedRef}` : ''}${e.data.removed ? ', removed' : ''}` };
    default:
      return info('');
  }
}
