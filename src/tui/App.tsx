import { Box, useApp, useInput, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Client } from '../client/index.js';
import { applySetting } from './actions.js';
import { accept, run, streamLog, type CommandContext } from './commands.js';
import { DispatchContext, StateContext, ThemeContext } from './context.js';
import { createFeed } from './feed.js';
import { commandFor } from './keys.js';
import { headerRows } from './header.js';
import { Header, ModalLine, StatusLine, statusRows } from './parts.js';
import { Agents } from './screens/Agents.js';
import { Dashboard } from './screens/Dashboard.js';
import { Diff } from './screens/Diff.js';
import { Help } from './screens/Help.js';
import { Log } from './screens/Log.js';
import { Plan } from './screens/Plan.js';
import { Settings } from './screens/Settings.js';
import { TaskScreen } from './screens/Task.js';
import type { SettingItem, SettingsSource } from './settings.js';
import { createReducer, createStore, initialState, type State } from './state.js';
import type { Theme } from './theme.js';

export interface AppProps {
  connect: () => Promise<Client>;
  theme: Theme;
  settings?: SettingsSource;
  frameMs?: number;
  /** Size when the output stream does not know it (tests). */
  size?: { columns: number; rows: number };
  backoff?: { initialMs: number; maxMs: number };
  onExit?: () => void;
}

/** One read's characters as the keys they are (Ink names Enter, Tab and Backspace, and gives them no text). */
export function splitKeys(input: string): Array<{ input: string; key: Partial<Key> }> {
  return [...input].map((ch) => {
    if (ch === '\r' || ch === '\n') return { input: '', key: { return: true } };
    if (ch === '\t') return { input: '', key: { tab: true } };
    if (ch === '\u007f' || ch === '\b') return { input: '', key: { backspace: true } };
    return { input: ch, key: {} };
  });
}

/** The container: holds state, owns the daemon feed, turns keys into commands. Screens below only draw. */
export function App(p: AppProps) {
  const { stdout } = useStdout();
  const { exit } = useApp();
  const sizeNow = () => p.size ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  // Keys arrive in bursts (a paste, a fast typist): each must see the state the previous one left, so the reducer
  // runs at dispatch time in a small store, and React renders from it.
  const store = useMemo(() => createStore(createReducer(), initialState(sizeNow())), []);
  const state = useSyncExternalStore(store.subscribe, store.get);
  const ref = useMemo(() => ({ get current() { return store.get(); } }), [store]);
  const dispatch = store.dispatch;
  const [settings, setSettings] = useState<{ items: SettingItem[]; error?: string }>({ items: [] });

  const feed = useMemo(() => createFeed({ connect: p.connect, dispatch, lastSeq: () => ref.current.lastSeq, frameMs: p.frameMs, backoff: p.backoff }), [p.connect]);
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  useEffect(() => {
    const t = setInterval(() => dispatch({ type: 'tick', now: Date.now() }), 1000);
    const onResize = () => dispatch({ type: 'resize', ...sizeNow() });
    stdout.on('resize', onResize);
    return () => {
      clearInterval(t);
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  useEffect(() => {
    if (state.view.name === 'settings' && p.settings) setSettings(p.settings.list());
  }, [state.view.name, p.settings]);

  const logAbort = useRef<AbortController | null>(null);
  useEffect(() => {
    if (state.view.name !== 'log') logAbort.current?.abort();
  }, [state.view.name]);
  const quit = useCallback(() => {
    logAbort.current?.abort();
    feed.stop();
    p.onExit?.();
    exit();
  }, [feed, exit, p.onExit]);

  const ctx = (): CommandContext => ({
    state: ref.current,
    dispatch,
    client: feed.client,
    refresh: () => feed.refresh().catch(() => undefined),
    ascii: p.theme.ascii,
    quit,
    openLog: (runId, taskId, worktree) => {
      logAbort.current?.abort();
      const c = feed.client();
      if (!c) return dispatch({ type: 'status-line', text: 'the daemon is not connected', kind: 'error' });
      const ac = new AbortController();
      logAbort.current = ac;
      dispatch({ type: 'log-reset', runId });
      dispatch({ type: 'view', view: { name: 'log', runId, taskId, back: ref.current.view.name === 'log' ? ref.current.view.back : ref.current.view } });
      const root = ref.current.status?.active.find((r) => r.id === runId)?.worktree ?? worktree;
      void streamLog(c, runId, dispatch, ac.signal, { ascii: p.theme.ascii, root });
    },
    settings: {
      count: () => settings.items.length,
      open: (i) => {
        const it = settings.items[i];
        if (!it) return;
        dispatch({ type: 'modal', modal: { kind: 'input', label: `${it.key} (${it.help})`, value: it.value, pending: { kind: 'setting', key: it.key } } });
      },
      set: (key, value) => {
        if (!p.settings) return;
        const r = p.settings.set(key, value);
        dispatch({ type: 'status-line', text: r.text, kind: r.ok ? 'ok' : 'error' });
        setSettings(p.settings.list());
        if (!r.ok) return;
        void applySetting(feed.client(), r.text).then((o) => {
          dispatch({ type: 'status-line', text: o.text, kind: o.kind });
          // A limit applied at once shows in the header (running/max) without waiting for the next event.
          return feed.refresh().catch(() => undefined);
        });
      },
    },
  });

  const handleKey = (input: string, key: Partial<Key>): void => {
    const s = ref.current;
    const m = s.modal;
    if (m?.kind === 'confirm') {
      if (input === 'y' || input === 'Y') {
        dispatch({ type: 'modal', modal: null });
        void accept(ctx(), m.pending);
      } else if (input === 'n' || input === 'N' || key.escape || (key.ctrl && input === 'c')) {
        dispatch({ type: 'modal', modal: m.pending.kind === 'quit' ? (m.pending.restore ?? null) : null });
        dispatch({ type: 'status-line', text: 'cancelled', kind: 'info' });
      }
      return;
    }
    if (m?.kind === 'input') {
      if (key.return) {
        dispatch({ type: 'modal', modal: null });
        void accept(ctx(), m.pending, m.value);
      } else if (key.escape) dispatch({ type: 'modal', modal: null });
      else if (key.ctrl && input === 'c') {
        // Quitting would lose what was typed: ask.
        dispatch({ type: 'modal', modal: { kind: 'confirm', message: 'quit and lose what you typed?', pending: { kind: 'quit', restore: m } } });
      } else if (key.backspace || key.delete || input === '\u007f' || input === '\b') dispatch({ type: 'modal-input', value: m.value.slice(0, -1) });
      else if (input && !key.ctrl && !key.meta) {
        // Typed text and Enter can arrive in one read (fast keys, a paste): text up to the newline, then send.
        const nl = input.search(/[\r\n]/);
        // eslint-disable-next-line no-control-regex
        const clean = (t: string) => t.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '');
        if (nl < 0) dispatch({ type: 'modal-input', value: m.value + clean(input) });
        else {
          dispatch({ type: 'modal', modal: null });
          void accept(ctx(), m.pending, m.value + clean(input.slice(0, nl)));
        }
      }
      return;
    }
    const cmd = commandFor(s.view.name, input, key);
    if (cmd) run(ctx(), cmd);
  };
  useInput((input, key) => {
    // Ink hands over a read as one input when it holds no escape: keys typed fast, or sent together by a terminal
    // under load ("1P", "j\r"), are one string there. Each is a key of its own, seeing what the one before did.
    if (input.length <= 1 || input.startsWith('\u001b') || key.ctrl || key.meta) return handleKey(input, key);
    for (const k of splitKeys(input)) {
      const typing = ref.current.modal?.kind === 'input';
      handleKey(k.input, k.key);
      // A paste into an input box that went out on its newline: what follows was text, not commands.
      if (typing && k.key.return) return;
    }
  });

  // Whatever the size, the frame is the terminal's height and no more: a taller one scrolls the header off the top
  // and leaves stale rows behind (a 30x8 terminal). The screen gets what the header, input and status leave, and is
  // clipped to it.
  const height = Math.max(1, state.size.rows - headerRows(state, p.theme) - statusRows(state).length - (state.modal ? 1 : 0));
  const screen = (() => {
    switch (state.view.name) {
      case 'dashboard':
        return <Dashboard height={height} />;
      case 'agents':
        return <Agents height={height} />;
      case 'plan':
        return <Plan height={height} />;
      case 'task':
        return <TaskScreen height={height} />;
      case 'log':
        return <Log height={height} />;
      case 'diff':
        return <Diff height={height} />;
      case 'settings':
        return <Settings height={height} items={settings.items} error={p.settings ? settings.error : 'settings are read from the config files; not available here'} />;
      case 'help':
        return <Help height={height} />;
      default: {
        const never: never = state.view;
        return never;
      }
    }
  })();
  return (
    <ThemeContext.Provider value={p.theme}>
      <StateContext.Provider value={state}>
        <DispatchContext.Provider value={dispatch}>
          <Box flexDirection="column" width={state.size.columns} height={state.size.rows} overflow="hidden">
            <Header />
            <Box flexDirection="column" height={height} flexShrink={0} overflow="hidden">
              {screen}
            </Box>
            <ModalLine />
            <StatusLine />
          </Box>
        </DispatchContext.Provider>
      </StateContext.Provider>
    </ThemeContext.Provider>
  );
}
