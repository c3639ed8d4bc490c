import type { Command } from 'commander';

/** The global options (`-C/--root`, `--json`), read from the root program when an action runs. */
export interface GlobalOptions {
  root?: string;
  json?: boolean;
}

type Impl = (globals: () => GlobalOptions, ...args: never[]) => unknown;

/**
 * A commander action that loads its implementation only when the command runs:
 *   .action(lazy(() => import('../commands/plan.js'), 'sync'))
 * calls `sync(globals, ...commanderArgs)` of that module, where commanderArgs are the command's arguments then its
 * options object (as commander passes them, without the trailing Command).
 */
export function lazy<M>(load: () => Promise<M>, name: { [K in keyof M]: M[K] extends Impl ? K : never }[keyof M]) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    let root = cmd;
    while (root.parent) root = root.parent;
    const fn = (await load())[name] as (...a: unknown[]) => unknown;
    await fn(() => root.opts<GlobalOptions>(), ...args.slice(0, -1));
  };
}
