/** One question of the onboarding flow. Every question has a default, which `--yes` takes. */
export type Question =
  | { kind: 'confirm'; id: string; message: string; default: boolean }
  | { kind: 'select'; id: string; message: string; choices: Choice[]; default: string };

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

export type Answer<Q extends Question> = Q extends { kind: 'confirm' } ? boolean : string;

/** How the flow talks to the person: an Ink prompt on a terminal, plain questions on a pipe, defaults under --yes. */
export interface Prompter {
  /** Text to show (findings, a diff). */
  note(text: string): void;
  ask<Q extends Question>(q: Q): Promise<Answer<Q>>;
  close(): void;
}

/** `--yes`: every question takes its default (flags have set those); notes still print. */
export function defaultsPrompter(write: (text: string) => void): Prompter {
  return {
    note: (text) => write(`${text}\n`),
    ask: <Q extends Question>(q: Q): Promise<Answer<Q>> => {
      const value = q.default;
      write(`${q.message} ${q.kind === 'confirm' ? (value ? 'yes' : 'no') : String(value)}\n`);
      return Promise.resolve(value as Answer<Q>);
    },
    close: () => undefined,
  };
}
