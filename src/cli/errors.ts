/** Exit codes: 0 ok, 1 work failed, 2 bad input (usage, plan, config), 3 daemon unavailable, 130 interrupted. */
export const Exit = { ok: 0, failed: 1, input: 2, daemon: 3, interrupted: 130 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Commander's parser for a `--count`-like option. */
export function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} takes a whole number of 1 or more, got "${v}"`, Exit.input);
  return n;
}
