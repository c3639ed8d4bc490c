import { createContext, useContext } from 'react';
import type { Action, State } from './state.js';
import type { Theme } from './theme.js';

/** State and actions live in separate contexts: screens read state; only the container changes it (G). */
export const StateContext = createContext<State | null>(null);
export const DispatchContext = createContext<(a: Action) => void>(() => undefined);
export const ThemeContext = createContext<Theme>({ color: true, ascii: false });

export function useTuiState(): State {
  const s = useContext(StateContext);
  if (!s) throw new Error('a TUI screen was rendered outside <StateContext.Provider>');
  return s;
}

export const useTheme = (): Theme => useContext(ThemeContext);
