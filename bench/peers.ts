import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run bench` looks for the peers (installed outside the repository, never into package.json). */
export const PEERS_DIR = process.env.ORCH_PEERS_DIR ?? '/tmp/peers';

const installed = (pkg: string): string | undefined => {
  const file = join(PEERS_DIR, 'node_modules', pkg, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
};

/** The peers section of docs/benchmarks.md: what was compared, or why not. */
export function peersSection(): string[] {
  const backlog = installed('backlog.md');
  const taskMaster = installed('task-master-ai');
  return [
    '## Peers',
    '',
    `Backlog.md: ${backlog ? `${backlog} installed in ${PEERS_DIR}` : 'not installed'}; task-master: ${taskMaster ? `${taskMaster} installed in ${PEERS_DIR}` : 'not installed'}.`,
    `Install them with \`mkdir -p ${PEERS_DIR} && cd ${PEERS_DIR} && npm install backlog.md task-master-ai\` (never into this package).`,
    'The side-by-side run (the same generated plan in each tool\'s format, ready sets checked equal) is not automated',
    'yet: this run compares Orch with the floors only. Issue 12 holds the last manual comparison (Backlog.md 1.52',
    '`task list` 544 ms at N=200, 1,644 ms at N=2,000; task-master 0.43 `next` about 4.5 s).',
    '',
  ];
}
