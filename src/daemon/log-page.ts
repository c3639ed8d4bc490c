import { open } from 'node:fs/promises';
import { parseClaudeLine, parseCodexLine, parseGeminiLine, parseGooseLine, parseOpenCodeLine, type AgentEvent } from '../agents/index.js';
import type { LogEvent, LogLine } from '../api/index.js';

/** Bytes read per step, and at most per request: a search over a 50 MB log answers in pages, never all at once. */
const CHUNK = 256 * 1024;
export const SCAN_MAX = 16 * 1024 * 1024;
/** A longer line is cut in the page (the full line stays in the log file and `orch logs --json`). */
export const LINE_MAX = 16 * 1024;
const FIELD_MAX = 4000;

const parsers: Record<string, (line: string) => AgentEvent[]> = {
  claude: parseClaudeLine,
  codex: parseCodexLine,
  gemini: parseGeminiLine,
  goose: parseGooseLine,
  opencode: parseOpenCodeLine,
};

const cut = (s: string, n = FIELD_MAX): string => (s.length > n ? `${s.slice(0, n)}…` : s);

function toLogEvents(events: AgentEvent[]): LogEvent[] {
  const out: LogEvent[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'text':
        out.push({ type: 'text', text: cut(e.text) });
        break;
      case 'tool_call':
        out.push({ type: 'tool_call', name: e.name, input: cut(typeof e.input === 'string' ? e.input : JSON.stringify(e.input) ?? '') });
        break;
      case 'tool_result':
        out.push({ type: 'tool_result', isError: e.isError, output: cut(e.output) });
        break;
      case 'result':
        out.push({ type: 'result', ok: e.ok, text: cut(e.text) });
        break;
      case 'error':
        out.push({ type: 'error', message: cut(e.message) });
        break;
      case 'retry':
        out.push({ type: 'retry', message: cut(e.message) });
        break;
      case 'session':
        out.push({ type: 'session', sessionId: e.sessionId, ...(e.model ? { model: e.model } : {}) });
        break;
      default:
        break; // usage and unparsed lines: nothing to read beyond the raw line
    }
  }
  return out;
}

export interface PageRequest {
  after?: number;
  before?: number;
  limit: number;
  q?: string;
  streams?: string;
}

export interface PageResult {
  size: number;
  lines: LogLine[];
  start: number;
  end: number;
  more: boolean;
}

/** Turns one `time<TAB>stream<TAB>line` entry into a page line, or undefined when the filter leaves it out. */
function makeLine(o: number, raw: Buffer, backend: string, want: (l: LogLine) => boolean): LogLine | undefined {
  const text = raw.toString('utf8');
  const a = text.indexOf('\t');
  const b = text.indexOf('\t', a + 1);
  const s = a < 0 || b < 0 ? 'orch' : text.slice(a + 1, b);
  const line: LogLine = {
    o,
    t: a < 0 || b < 0 ? '' : text.slice(0, a),
    s: s === 'out' || s === 'err' ? s : 'orch',
    l: cut(a < 0 || b < 0 ? text : text.slice(b + 1), LINE_MAX),
  };
  if (line.s === 'out') {
    const parse = parsers[backend];
    if (parse) {
      try {
        line.ev = toLogEvents(parse(a < 0 || b < 0 ? text : text.slice(b + 1)));
      } catch {
        // A line the parser chokes on is shown raw.
      }
    }
  }
  return want(line) ? line : undefined;
}

function filterFor(r: PageRequest): (l: LogLine) => boolean {
  const streams = r.streams ? new Set(r.streams.split(',')) : undefined;
  const q = r.q?.toLowerCase();
  return (l) => {
    if (streams && !streams.has(l.s)) return false;
    if (!q) return true;
    if (l.l.toLowerCase().includes(q)) return true;
    return (l.ev ?? []).some((e) => JSON.stringify(e).toLowerCase().includes(q));
  };
}

/**
 * One page of a run's log: forward from `after`, backward from `before`, or the last lines. Offsets are bytes at line
 * starts, so pages join without gaps or repeats; a line still being written (no newline yet) is left for later.
 */
export async function readLogPage(file: string, backend: string, r: PageRequest): Promise<PageResult> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return { size: 0, lines: [], start: 0, end: 0, more: false };
  }
  try {
    const size = (await fh.stat()).size;
    const want = filterFor(r);
    if (r.after !== undefined) return { size, ...(await forward(fh, size, Math.min(r.after, size), r.limit, backend, want)) };
    return { size, ...(await backward(fh, size, Math.min(r.before ?? size, size), r.limit, backend, want)) };
  } finally {
    await fh.close();
  }
}

type Fh = Awaited<ReturnType<typeof open>>;

async function forward(fh: Fh, size: number, from: number, limit: number, backend: string, want: (l: LogLine) => boolean) {
  const lines: LogLine[] = [];
  let pos = from;
  let buf = Buffer.alloc(0); // bytes [end, pos): read, not consumed
  let end = from;
  let early = false;
  for (;;) {
    if (lines.length >= limit) {
      early = true;
      break;
    }
    const nl = buf.indexOf(10);
    if (nl >= 0) {
      const l = makeLine(end, buf.subarray(0, nl), backend, want);
      if (l) lines.push(l);
      end += nl + 1;
      buf = buf.subarray(nl + 1);
      continue;
    }
    if (end - from >= SCAN_MAX) {
      early = true;
      break;
    }
    if (pos >= size) break; // what is left is a line still being written
    const len = Math.min(CHUNK, size - pos);
    const chunk = Buffer.alloc(len);
    const { bytesRead } = await fh.read(chunk, 0, len, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    buf = Buffer.concat([buf, chunk.subarray(0, bytesRead)]);
  }
  return { lines, start: from, end, more: early && end < size };
}

async function backward(fh: Fh, size: number, before: number, limit: number, backend: string, want: (l: LogLine) => boolean) {
  const found: LogLine[] = [];
  let pos = before;
  let buf = Buffer.alloc(0); // bytes [pos, cur): read, not consumed; ends with a newline
  const readMore = async (): Promise<void> => {
    const len = Math.min(CHUNK, pos);
    const chunk = Buffer.alloc(len);
    await fh.read(chunk, 0, len, pos - len);
    pos -= len;
    buf = Buffer.concat([chunk, buf]);
  };
  let cur = before;
  if (before === size && size > 0) {
    // A last line without its newline is still being written: it belongs to a later page.
    for (;;) {
      await readMore();
      const nl = buf.lastIndexOf(10);
      if (nl >= 0 || pos === 0) {
        cur = pos + nl + 1;
        buf = buf.subarray(0, nl + 1);
        break;
      }
    }
  }
  const end = cur;
  while (found.length < limit && cur > 0 && before - pos <= SCAN_MAX) {
    const k = buf.length >= 2 ? buf.lastIndexOf(10, buf.length - 2) : -1;
    if (k < 0 && pos > 0) {
      await readMore();
      continue;
    }
    const ls = k + 1;
    const l = makeLine(pos + ls, buf.subarray(ls, Math.max(ls, buf.length - 1)), backend, want);
    if (l) found.push(l);
    cur = pos + ls;
    buf = buf.subarray(0, ls);
  }
  return { lines: found.reverse(), start: cur, end, more: cur > 0 };
}
