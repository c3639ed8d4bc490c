import '../tui/live-frames.js';
import { createElement as h, useRef, useState, type ReactElement } from 'react';
import { Box, render, Text, useApp, useInput } from 'ink';
import type { Answer, Prompter, Question } from './prompt.js';

interface AskProps {
  q: Question;
  done: (value: string | boolean) => void;
}

/** One question: arrows (or j/k) move, Enter takes the highlighted choice; y/n answer a confirm. */
export function QuestionView({ q, done }: AskProps): ReactElement {
  const { exit } = useApp();
  const choices = q.kind === 'confirm' ? [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] : q.choices;
  const initial = q.kind === 'confirm' ? (q.default ? 0 : 1) : Math.max(0, q.choices.findIndex((c) => c.value === q.default));
  const [index, setIndex] = useState(initial);
  // Keys can arrive before the next render re-binds the handler, so the handler reads the latest index here.
  const current = useRef(initial);
  const move = (by: number): void => {
    current.current = (current.current + choices.length + by) % choices.length;
    setIndex(current.current);
  };
  const finish = (i: number): void => {
    const chosen = choices[i]!;
    done(q.kind === 'confirm' ? chosen.value === 'yes' : chosen.value);
    exit();
  };
  useInput((input, key) => {
    if (key.upArrow || input === 'k') move(-1);
    else if (key.downArrow || input === 'j') move(1);
    else if (key.return) finish(current.current);
    else if (q.kind === 'confirm' && (input === 'y' || input === 'n')) finish(input === 'y' ? 0 : 1);
  });
  return h(
    Box,
    { flexDirection: 'column' },
    h(Text, { bold: true }, `? ${q.message}`),
    ...choices.map((c, i) =>
      h(
        Text,
        { key: c.value, color: i === index ? 'cyan' : undefined },
        `${i === index ? '❯' : ' '} ${c.label}`,
        'hint' in c && c.hint ? h(Text, { dimColor: true }, `  ${c.hint}`) : null,
      ),
    ),
  );
}

/** The interactive prompt flow on a terminal: each question is a small Ink app that ends when answered. */
export function inkPrompter(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Prompter {
  return {
    note: (text) => stdout.write(`${text}\n`),
    async ask<Q extends Question>(q: Q): Promise<Answer<Q>> {
      let answer: { value: string | boolean } | undefined;
      const app = render(h(QuestionView, { q, done: (value: string | boolean) => (answer = { value }) }), { stdin, stdout, exitOnCtrlC: true });
      await app.waitUntilExit();
      // Ctrl+C ends the app without an answer: stop, never go on with a default the person did not take.
      if (!answer) throw new OnboardInterrupted();
      return answer.value as Answer<Q>;
    },
    close: () => undefined,
  };
}

export class OnboardInterrupted extends Error {
  override readonly name = 'OnboardInterrupted';
  constructor() {
    super('onboarding interrupted; nothing more was written (run orch onboard again to continue)');
  }
}
