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

const NL = 0x0a;
const CR = 0x0d;

export interface ByteLineSplitter {
  push(chunk: Buffer): void;
  /** Delivers a last line that had no newline. */
  flush(): void;
}

/**
 * Splits a byte stream into lines (`\n` or `\r\n`) without decoding the chunk as a whole: each line is decoded on
 * its own (a UTF-8 sequence split across chunks is joined first) and delivered with its raw bytes (`raw`, no newline;
 * views into the chunks, safe to keep), so a log can store the agent's bytes without encoding them again.
 * A line longer than `maxLineBytes` is delivered in pieces of that size.
 */
export const createByteLineSplitter = (onLine: (line: string, raw: readonly Buffer[]) => void, maxLineBytes = MAX_LINE_CHARS): ByteLineSplitter => {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const deliver = (pieces: Buffer[]): void => {
    while (pieces.length > 1 && pieces[pieces.length - 1]?.length === 0) pieces.pop();
    const i = pieces.length - 1;
    const last = pieces[i];
    if (last !== undefined && last.length > 0 && last[last.length - 1] === CR) pieces[i] = last.subarray(0, last.length - 1);
    onLine(pieces.length === 1 ? (pieces[0] as Buffer).toString('utf8') : Buffer.concat(pieces).toString('utf8'), pieces);
  };
  return {
    push(chunk) {
      let start = 0;
      let nl = chunk.indexOf(NL);
      while (nl !== -1) {
        const piece = chunk.subarray(start, nl);
        if (pending.length === 0) deliver([piece]);
        else {
          const pieces = pending;
          pieces.push(piece);
          pending = [];
          pendingBytes = 0;
          deliver(pieces);
        }
        start = nl + 1;
        nl = chunk.indexOf(NL, start);
      }
      if (start === chunk.length) return;
      // A partial line that is a small part of the chunk is copied: a view would keep the whole chunk alive while
      // the stream is paused.
      const rest = chunk.subarray(start);
      pending.push(start > 0 && rest.length < chunk.length / 2 ? Buffer.from(rest) : rest);
      pendingBytes += rest.length;
      if (pendingBytes <= maxLineBytes) return;
      let all = Buffer.concat(pending);
      while (all.length > maxLineBytes) {
        const piece = all.subarray(0, maxLineBytes);
        onLine(piece.toString('utf8'), [piece]);
        all = all.subarray(maxLineBytes);
      }
      pending = all.length > 0 ? [all] : [];
      pendingBytes = all.length;
    },
    flush() {
      if (pendingBytes > 0) deliver(pending);
      pending = [];
      pendingBytes = 0;
    },
  };
};

/**
 * A copy of `s` that shares no memory with the string it came from. V8 makes `slice()` of a long string a view that
 * keeps the whole parent alive, and a line split from a pipe chunk keeps the whole 64 KB chunk: anything kept for
 * long (tails, trimmed events) must own its characters. utf16le round-trips every JS string, lone surrogates too.
 */
export const ownString = (s: string): string => (s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le'));

/** The last `n` lines, each cut to `maxChars`, for error messages; a cut line keeps no reference to the whole one. */
export const createTail = (n: number, maxChars = 2000) => {
  const lines: string[] = [];
  return {
    lines,
    push(line: string): void {
      // A short line is kept as is: lines from createByteLineSplitter are their own strings.
      lines.push(line.length > maxChars ? ownString(`${line.slice(0, maxChars)}...`) : line);
      if (lines.length > n) lines.shift();
    },
  };
};
