/**
 * The CLI's two output streams. Colour is decided per stream (NO_COLOR, FORCE_COLOR, --no-color, whether it is a
 * terminal that has colours); a reader that closes the pipe early (`orch logs | head -1`) ends the command quietly.
 */
import type { WriteStream } from 'node:tty';

type Out = NodeJS.WriteStream & Partial<Pick<WriteStream, 'hasColors' | 'columns'>>;

let noColorFlag = false;
/** What a closed stdout does: end the process quietly (reads), or keep going silently (a --wait that decides an exit code). */
let onClosed: 'exit' | 'continue' = 'exit';
let stdoutClosed = false;
let stdoutWritten = false;

export function setNoColor(v: boolean): void {
  noColorFlag = v;
}
export function keepGoingWhenStdoutCloses(): void {
  onClosed = 'continue';
}
export const isStdoutClosed = (): boolean => stdoutClosed;
/** Something went to stdout through `out` (a `--json` answer already printed). */
export const wroteStdout = (): boolean => stdoutWritten;

/** FORCE_COLOR (not "0") turns colour on even in a pipe; NO_COLOR, --no-color and a dumb terminal turn it off. */
export function colorsFor(stream: Out, env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColorFlag) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (force === '0' || force === 'false') return false;
  // Node's hasColors() takes any NO_COLOR, even an empty one, as "off"; no-color.org says only a non-empty one is.
  const asked = env.NO_COLOR === '' ? { ...env, NO_COLOR: undefined } : env;
  return stream.isTTY === true && (stream.hasColors?.(asked) ?? true) && env.TERM !== 'dumb';
}

/** Emoji marks only on a terminal, unless asked for with ORCH_EMOJI=1 (or off with ORCH_EMOJI=0). */
export function emojiFor(stream: Out, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.ORCH_EMOJI === '1') return true;
  if (env.ORCH_EMOJI === '0') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Width to cut table rows to: the terminal's, none for a pipe (scripts get whole lines). */
export const terminalColumns = (stream: Out = process.stdout): number | undefined => (stream.isTTY ? stream.columns || 80 : undefined);

/** A colour for stderr, decided by stderr (main.ts uses this one: format.ts is not on its start-up path). */
export const errPaint = (code: number) => (s: string) => (colorsFor(process.stderr) ? `\u001b[${code}m${s}\u001b[0m` : s);

export function out(text: string): void {
  stdoutWritten = true;
  if (stdoutClosed) return;
  process.stdout.write(text);
}
export function err(text: string): void {
  process.stderr.write(text);
}

const isPipeError = (e: unknown): boolean => {
  const code = (e as { code?: string } | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
};

/** Installed once at start: a closed stdout or stderr is not a crash. */
export function installPipeHandlers(): void {
  process.stdout.on('error', (e) => {
    if (!isPipeError(e)) throw e;
    stdoutClosed = true;
    if (onClosed === 'exit') process.exit(process.exitCode ?? 0);
  });
  process.stderr.on('error', (e) => {
    if (!isPipeError(e)) throw e;
  });
}
