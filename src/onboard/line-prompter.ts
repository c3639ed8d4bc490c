import { createInterface } from 'node:readline/promises';
import type { Answer, Prompter, Question } from './prompt.js';

/** Plain questions, one line each, for a terminal without Ink or a pipe. An empty answer takes the default. */
export function linePrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  const rl = createInterface({ input, output, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const read = async (): Promise<string> => {
    const next = await lines.next();
    return next.done ? '' : String(next.value).trim();
  };
  return {
    note: (text) => output.write(`${text}\n`),
    async ask<Q extends Question>(q: Q): Promise<Answer<Q>> {
      for (;;) {
        if (q.kind === 'confirm') {
          output.write(`${q.message} [${q.default ? 'Y/n' : 'y/N'}] `);
          const a = (await read()).toLowerCase();
          if (a === '') return q.default as Answer<Q>;
          if (['y', 'yes'].includes(a)) return true as Answer<Q>;
          if (['n', 'no'].includes(a)) return false as Answer<Q>;
          output.write('answer y or n\n');
          continue;
        }
        output.write(`${q.message}\n`);
        q.choices.forEach((c, i) => output.write(`  ${i + 1}) ${c.label}${c.hint ? ` (${c.hint})` : ''}${c.value === q.default ? ' [default]' : ''}\n`));
        output.write('> ');
        const a = await read();
        if (a === '') return q.default as Answer<Q>;
        const byIndex = q.choices[Number(a) - 1];
        const chosen = byIndex ?? q.choices.find((c) => c.value === a);
        if (chosen) return chosen.value as Answer<Q>;
        output.write(`answer 1-${q.choices.length} or a value\n`);
      }
    },
    close: () => rl.close(),
  };
}
