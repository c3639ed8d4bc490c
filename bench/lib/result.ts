import { writeFileSync } from 'node:fs';

/** One measured line of a benchmark: a median of samples with its spread, and how it compares with its target. */
export interface Row {
  what: string;
  unit: 'ms' | 'MB' | 'x' | '%' | 'calls';
  median: number;
  min: number;
  max: number;
  samples: number;
  /** The floor it is compared with (a name of another row, or a fixed limit). */
  floor?: string;
  ratio?: number;
  target?: string;
  /** undefined: reported only. */
  ok?: boolean;
  detail?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  /** How to rerun it alone. */
  command: string;
  rows: Row[];
  notes: string[];
  ok: boolean;
}

export function stats(samples: readonly number[]): { median: number; min: number; max: number; samples: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, samples: s.length };
}

export function row(what: string, unit: Row['unit'], samples: readonly number[], extra: Partial<Row> = {}): Row {
  return { what, unit, ...stats(samples), ...extra };
}

/** A row checked against `limit` times the median of `floor` (a ratio target). */
export function ratioRow(what: string, samples: readonly number[], floor: Row, limit: number, extra: Partial<Row> = {}): Row {
  const r = row(what, 'ms', samples, extra);
  const ratio = r.median / floor.median;
  return { ...r, floor: floor.what, ratio, target: `<= ${limit}x ${floor.what}`, ok: ratio <= limit };
}

/** A row checked against a fixed upper bound. */
export function limitRow(what: string, unit: Row['unit'], samples: readonly number[], limit: number, extra: Partial<Row> = {}): Row {
  const r = row(what, unit, samples, extra);
  return { ...r, target: `< ${limit.toLocaleString('en-US')} ${unit}`, ok: r.median < limit };
}

const fmt = (n: number, unit: Row['unit']): string => (unit === 'ms' && n >= 100 ? n.toFixed(0) : n.toFixed(1));

export function printResult(r: BenchResult): void {
  process.stdout.write(`\n== ${r.title} (${r.ok ? 'ok' : 'MISSED'})\n`);
  for (const x of r.rows) {
    const spread = x.samples > 1 ? ` (${fmt(x.min, x.unit)}-${fmt(x.max, x.unit)}, n=${x.samples})` : '';
    const ratio = x.ratio !== undefined ? `  ${x.ratio.toFixed(2)}x ${x.floor}` : '';
    const target = x.target ? `  target ${x.target}: ${x.ok ? 'ok' : 'MISSED'}` : '';
    process.stdout.write(`${x.what.padEnd(52)} ${fmt(x.median, x.unit).padStart(8)} ${x.unit}${spread}${ratio}${target}${x.detail ? `  [${x.detail}]` : ''}\n`);
  }
  for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
}

/**
 * Prints the result, writes it as JSON where `npm run bench` asks (ORCH_BENCH_JSON) and sets the exit code:
 * non-zero when a target was missed.
 */
export function finish(r: Omit<BenchResult, 'ok'>): BenchResult {
  const result: BenchResult = { ...r, ok: r.rows.every((x) => x.ok !== false) };
  printResult(result);
  const out = process.env.ORCH_BENCH_JSON;
  if (out) writeFileSync(out, JSON.stringify(result, null, 2));
  if (!result.ok) process.exitCode = 1;
  return result;
}
