/** Every key of the terminal UI, in one table: `?` shows it, the container dispatches on it. */

export type ViewName = 'dashboard' | 'agents' | 'plan' | 'task' | 'log' | 'diff' | 'settings' | 'help';

export type Command =
  | 'quit'
  | 'help'
  | 'back'
  | 'view.dashboard'
  | 'view.agents'
  | 'view.plan'
  | 'view.settings'
  | 'next-view'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'page-up'
  | 'page-down'
  | 'open'
  | 'log'
  | 'start-next'
  | 'start-selected'
  | 'pause'
  | 'pause-all'
  | 'resume'
  | 'stop'
  | 'retry'
  | 'guide'
  | 'answer'
  | 'diff'
  | 'merge'
  | 'maintain'
  | 'search'
  | 'search-next'
  | 'search-prev'
  | 'follow'
  | 'filter'
  | 'filter-module'
  | 'filter-status'
  | 'critical'
  | 'edit';

export interface KeyBinding {
  /** Ink input characters, or the names `enter`, `esc`, `tab`, `up`, `down`, `left`, `right`, `pageup`, `pagedown`. */
  keys: string[];
  /** Views where it applies; `all` everywhere (an open input box takes keys first). */
  views: ViewName[] | 'all';
  command: Command;
  help: string;
}

const lists: ViewName[] = ['dashboard', 'agents', 'plan', 'log', 'task', 'diff', 'settings', 'help'];
const workViews: ViewName[] = ['dashboard', 'agents', 'plan', 'task'];

export const keyTable: readonly KeyBinding[] = [
  { keys: ['q'], views: 'all', command: 'quit', help: 'quit (the daemon keeps working)' },
  { keys: ['?'], views: 'all', command: 'help', help: 'show every key' },
  { keys: ['esc'], views: 'all', command: 'back', help: 'back, close, unzoom' },
  { keys: ['1'], views: 'all', command: 'view.dashboard', help: 'dashboard' },
  { keys: ['2'], views: 'all', command: 'view.agents', help: 'agents: one pane per running agent' },
  { keys: ['3'], views: 'all', command: 'view.plan', help: 'plan: modules, epics, what blocks what' },
  { keys: ['4'], views: 'all', command: 'view.settings', help: 'settings' },
  { keys: ['tab'], views: 'all', command: 'next-view', help: 'next view' },
  { keys: ['k', 'up'], views: lists, command: 'up', help: 'move up' },
  { keys: ['j', 'down'], views: lists, command: 'down', help: 'move down' },
  { keys: ['h', 'left'], views: ['agents'], command: 'left', help: 'pane to the left' },
  { keys: ['l', 'right'], views: ['agents'], command: 'right', help: 'pane to the right' },
  { keys: ['pageup', 'b'], views: ['log', 'diff', 'task'], command: 'page-up', help: 'page up' },
  { keys: ['pagedown', ' '], views: ['log', 'diff', 'task'], command: 'page-down', help: 'page down' },
  { keys: ['enter'], views: ['dashboard', 'agents', 'plan', 'settings'], command: 'open', help: 'open: zoom a pane, show a task, edit a setting' },
  { keys: ['L'], views: workViews, command: 'log', help: "the selected run's whole log" },
  { keys: ['S'], views: workViews, command: 'start-next', help: 'start the next N ready tasks (asks N)' },
  { keys: ['s'], views: workViews, command: 'start-selected', help: 'start the selected task' },
  { keys: ['p'], views: workViews, command: 'pause', help: "pause the selected task's run" },
  { keys: ['P'], views: workViews, command: 'pause-all', help: 'pause everything (no new starts)' },
  { keys: ['r'], views: workViews, command: 'resume', help: 'resume everything paused' },
  { keys: ['x'], views: workViews, command: 'stop', help: 'stop the selected task (its work is kept)' },
  { keys: ['R'], views: workViews, command: 'retry', help: 'retry a failed task' },
  { keys: ['g'], views: workViews, command: 'guide', help: 'resume a stuck or waiting run with guidance' },
  { keys: ['a'], views: workViews, command: 'answer', help: "answer the selected run's question" },
  { keys: ['d'], views: workViews, command: 'diff', help: "a flagged change's diff and reasons" },
  { keys: ['m'], views: [...workViews, 'diff'], command: 'merge', help: 'merge a flagged change after review' },
  { keys: ['M'], views: workViews, command: 'maintain', help: 'run a maintenance task (asks which)' },
  { keys: ['/'], views: ['log'], command: 'search', help: 'search the log' },
  { keys: ['n'], views: ['log'], command: 'search-next', help: 'next match' },
  { keys: ['N'], views: ['log'], command: 'search-prev', help: 'previous match' },
  { keys: ['f'], views: ['log'], command: 'follow', help: 'follow mode on/off' },
  { keys: ['t'], views: ['log'], command: 'filter', help: 'show all / tool calls / errors' },
  { keys: ['f'], views: ['plan'], command: 'filter-module', help: 'filter by module (cycles)' },
  { keys: ['F'], views: ['plan'], command: 'filter-status', help: 'filter by status (cycles)' },
  { keys: ['c'], views: ['plan'], command: 'critical', help: 'only the critical path' },
  { keys: ['e'], views: ['settings'], command: 'edit', help: 'edit the selected setting (written to its file on enter)' },
];

export interface InkKey {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  return: boolean;
  escape: boolean;
  tab: boolean;
  ctrl: boolean;
}

/** The name a key has in the table. */
export function keyName(input: string, key: Partial<InkKey>): string {
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.tab) return 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  return input;
}

export function commandFor(view: ViewName, input: string, key: Partial<InkKey>): Command | undefined {
  const name = keyName(input, key);
  if (key.ctrl && input === 'c') return 'quit';
  return keyTable.find((b) => b.keys.includes(name) && (b.views === 'all' || b.views.includes(view)))?.command;
}

/** Help rows: keys, views, what they do. */
export const helpRows = (): Array<[string, string, string]> =>
  keyTable.map((b) => [b.keys.map((k) => (k === ' ' ? 'space' : k)).join(' '), b.views === 'all' ? 'everywhere' : b.views.join(','), b.help]);
