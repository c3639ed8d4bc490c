/**
 * `orch --help` without building the command tree (issue 12: within 1.5x of `node -e 0`). The build takes the
 * root help apart once (rootHelpModel, tools/prerender-help.mjs writes dist/src/cli/root-help.js) and bin/orch.js
 * puts it together for the terminal's width with renderRootHelp: the same text commander prints, wrapped the same
 * way (src/cli/fast-help.test.ts compares the two at every width). This file imports nothing at run time.
 */
import type { Command, Help } from 'commander';

/** The root help, taken apart: what commander wraps to the width, and the text around it. */
export interface RootHelpModel {
  usage: string;
  description: string;
  /** The width of the widest term (option or command), which every description is aligned after. */
  termWidth: number;
  /** "Options:", "Commands:": each heading with its [term, description] rows, in commander's order. */
  groups: Array<{ heading: string; items: Array<[string, string]> }>;
  /** Text added after the built-in help (examples, exit codes), printed as is. */
  after: string;
}

/** commander's Help.minWidthToWrap: narrower than this, nothing is wrapped. */
const MIN_WIDTH_TO_WRAP = 40;

/** commander's Help.boxWrap: wrap at whitespace to `width`, keeping the line breaks there are. */
function boxWrap(str: string, width: number): string {
  if (width < MIN_WIDTH_TO_WRAP) return str;
  const lines: string[] = [];
  for (const line of str.split(/\r\n|\n/)) {
    const chunks = line.match(/[\s]*[^\s]+/g);
    if (chunks === null) {
      lines.push('');
      continue;
    }
    let sum = [chunks[0]!];
    let sumWidth = chunks[0]!.length;
    for (const chunk of chunks.slice(1)) {
      if (sumWidth + chunk.length <= width) {
        sum.push(chunk);
        sumWidth += chunk.length;
        continue;
      }
      lines.push(sum.join(''));
      const next = chunk.trimStart();
      sum = [next];
      sumWidth = next.length;
    }
    lines.push(sum.join(''));
  }
  return lines.join('\n');
}

/** commander's Help.formatItem: the term padded to termWidth, its description wrapped beside it. */
function formatItem(term: string, termWidth: number, description: string, helpWidth: number): string {
  if (!description) return `  ${term}`;
  const remaining = helpWidth - termWidth - 2 - 2;
  const text = remaining < MIN_WIDTH_TO_WRAP || /\n[^\S\r\n]/.test(description) ? description : boxWrap(description, remaining).replace(/\n/g, `\n${' '.repeat(termWidth + 2)}`);
  return `  ${term.padEnd(termWidth)}  ${text.replace(/\n/g, '\n  ')}`;
}

/** The root help for a terminal `helpWidth` columns wide (commander: the terminal's columns, 80 in a pipe). */
export function renderRootHelp(m: RootHelpModel, helpWidth: number): string {
  const out = [`Usage: ${m.usage}`, ''];
  if (m.description) out.push(boxWrap(m.description, helpWidth), '');
  for (const g of m.groups) {
    if (g.items.length === 0) continue;
    out.push(g.heading, ...g.items.map(([t, d]) => formatItem(t, m.termWidth, d, helpWidth)), '');
  }
  return out.join('\n') + m.after;
}

/** The width commander wraps `orch --help` to: the terminal's columns, 80 when stdout is not a terminal. */
export const helpWidthOf = (stream: { isTTY?: boolean; columns?: number }): number => (stream.isTTY ? stream.columns : undefined) ?? 80;

/**
 * Takes `program`'s own help apart (at build time). Refuses a help this renderer would not reproduce (arguments,
 * global options, colour styles, text before the help), so a change there fails the build, not the user.
 */
export function rootHelpModel(program: Command): RootHelpModel {
  const helper: Help = program.createHelp();
  helper.prepareContext({ helpWidth: 80, outputHasColors: false });
  if (helper.visibleArguments(program).length > 0 || helper.showGlobalOptions) throw new Error('the root help has arguments or global options: teach src/cli/fast-help.ts to render them');
  const groups: RootHelpModel['groups'] = [];
  for (const [heading, options] of helper.groupItems([...program.options], helper.visibleOptions(program), (o) => o.helpGroupHeading ?? 'Options:')) {
    groups.push({ heading, items: options.map((o) => [helper.optionTerm(o), helper.optionDescription(o)]) });
  }
  for (const [heading, commands] of helper.groupItems([...program.commands], helper.visibleCommands(program), (c) => c.helpGroup() || 'Commands:')) {
    groups.push({ heading, items: commands.map((c) => [helper.subcommandTerm(c), helper.subcommandDescription(c)]) });
  }
  const model: RootHelpModel = { usage: helper.commandUsage(program), description: helper.commandDescription(program), termWidth: helper.padWidth(program, helper), groups, after: '' };
  // Everything commander writes for --help (the built-in help, then what addHelpText added), at its default width.
  let written = '';
  const saved = { ...program.configureOutput() };
  program.configureOutput({ writeOut: (s) => (written += s), getOutHelpWidth: () => 80, getOutHasColors: () => false });
  try {
    program.outputHelp();
  } finally {
    program.configureOutput(saved);
  }
  const builtIn = renderRootHelp(model, 80);
  if (!written.startsWith(builtIn)) throw new Error('commander prints a root help src/cli/fast-help.ts does not reproduce: compare them and teach it');
  model.after = written.slice(builtIn.length);
  return model;
}
