import { post } from './api.js';

/** The outcome of the last action, shown at the top of the page: the daemon's own words, as the CLI prints them. */
export const notice = $state<{ text: string; error: boolean; at: number }>({ text: '', error: false, at: 0 });

/** The window event sent after an action succeeds. */
export const ACTED = 'orch:acted';

export function say(text: string, error = false): void {
  notice.text = text;
  notice.error = error;
  notice.at = Date.now();
}

/**
 * Runs one action against the daemon. `confirmText`: the action merges or loses something, so the user says yes first.
 * Returns the answer, or undefined when refused or failed (the error is shown).
 */
export async function act<T>(label: string, path: string, body: unknown, confirmText?: string): Promise<T | undefined> {
  if (confirmText && !window.confirm(confirmText)) return undefined;
  try {
    const r = await post<T>(path, body);
    say(`${label}: done`);
    // Not every action makes an event (resuming a paused daemon does not): the page reloads what it shows either way.
    window.dispatchEvent(new Event(ACTED));
    return r;
  } catch (e) {
    say(`error: ${(e as Error).message}`, true);
    return undefined;
  }
}
