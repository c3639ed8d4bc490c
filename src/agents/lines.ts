/** Default cap on one line; a longer line is delivered in pieces of this size rather than buffered without bound. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

export interface LineSplitter {
  push(chunk: string): void;
  /** Delivers a last line that had no newline. */
  flush(): void;
}

/** Splits a decoded text stream into lines (`\n` or `\r\n`), across chunk boundaries. */
export const createLineSplitter = (onLine: (line: string) => void, maxLineChars = MAX_LINE_CHARS): LineSplitter => {
  let pending = '';
  const emit = (line: string): void => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  return {
    push(chunk) {
      let start = 0;
      let nl = chunk.indexOf('\n');
      while (nl !== -1) {
        emit(pending + chunk.slice(start, nl));
        pending = '';
        start = nl + 1;
        nl = chunk.indexOf('\n', start);
      }
      pending += chunk.slice(start);
      while (pending.length > maxLineChars) {
        onLine(pending.slice(0, maxLineChars));
        pending = pending.slice(maxLineChars);
      }
    },
    flush() {
      if (pending !== '') emit(pending);
      pending = '';
    },
  };
};
