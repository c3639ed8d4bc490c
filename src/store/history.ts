import type { Db } from './db.js';
import type { History, HistorySeries } from '../api/index.js';

interface DayRow {
  day: string;
  merged: number;
  failed: number;
  tokens: number;
  cost: number;
  doneMs: number;
  doneCount: number;
}

interface KeyRow {
  key: string;
  day: string;
  tokens: number;
  cost: number;
  runs: number;
}

const DAY = `substr(COALESCE(r.ended_at, r.started_at, r.created_at), 1, 10)`;
const TOKENS = `(r.input_tokens + r.output_tokens + r.cache_read_tokens + r.cache_write_tokens)`;
const DURATION_MS = `((julianday(r.ended_at) - julianday(r.started_at)) * 86400000.0)`;

/** Aggregates over the runs table for the web page's history: sums per day and per key, never raw rows. */
export function createHistoryStore(db: Db) {
  const perDay = db.prepare(`SELECT ${DAY} AS day,
      SUM(r.state = 'done') AS merged, SUM(r.state = 'failed') AS failed,
      SUM(${TOKENS}) AS tokens, SUM(r.cost_usd) AS cost,
      SUM(CASE WHEN r.state = 'done' AND r.started_at IS NOT NULL AND r.ended_at IS NOT NULL THEN ${DURATION_MS} ELSE 0 END) AS doneMs,
      SUM(r.state = 'done' AND r.started_at IS NOT NULL AND r.ended_at IS NOT NULL) AS doneCount
    FROM runs r WHERE ${DAY} >= ? GROUP BY day`);
  const byKey = (keyExpr: string) =>
    db.prepare(`SELECT ${keyExpr} AS key, ${DAY} AS day, SUM(${TOKENS}) AS tokens, SUM(r.cost_usd) AS cost, COUNT(*) AS runs
      FROM runs r JOIN tasks t ON t.id = r.task_id WHERE ${DAY} >= ? GROUP BY key, day`);
  const byModule = byKey('t.module');
  const byAgent = byKey(`COALESCE(t.agent, r.backend)`);
  const byModel = byKey(`COALESCE(r.model, t.model, r.backend || ' (default model)')`);
  const rates = db.prepare(`SELECT COUNT(*) AS runs, SUM(r.state = 'done') AS done, SUM(r.state IN ('failed','stopped')) AS failed,
      SUM(r.attempt > 1 OR r.retries > 0) AS retried, SUM(r.review IS NOT NULL AND json_extract(r.review, '$.flagged') = 1) AS reviewed
    FROM runs r WHERE ${DAY} >= ?`);
  const durations = db.prepare(`SELECT ${DURATION_MS} AS ms FROM runs r
    WHERE r.state = 'done' AND r.started_at IS NOT NULL AND r.ended_at IS NOT NULL AND ${DAY} >= ? ORDER BY ms`);

  return {
    history(days: number, now = new Date()): History {
      const dayList: string[] = [];
      for (let i = days - 1; i >= 0; i--) dayList.push(new Date(now.getTime() - i * 86400_000).toISOString().slice(0, 10));
      const from = dayList[0] ?? now.toISOString().slice(0, 10);
      const index = new Map(dayList.map((d, i) => [d, i]));
      const zeros = (): number[] => dayList.map(() => 0);
      const h = { merged: zeros(), failed: zeros(), tokens: zeros(), costUsd: zeros(), minutesPerTask: zeros() };
      for (const r of perDay.all(from) as DayRow[]) {
        const i = index.get(r.day);
        if (i === undefined) continue;
        h.merged[i] = r.merged;
        h.failed[i] = r.failed;
        h.tokens[i] = r.tokens;
        h.costUsd[i] = r.cost;
        h.minutesPerTask[i] = r.doneCount > 0 ? r.doneMs / r.doneCount / 60_000 : 0;
      }
      const series = (rows: KeyRow[]): HistorySeries[] => {
        const m = new Map<string, HistorySeries>();
        for (const r of rows) {
          const i = index.get(r.day);
          if (i === undefined) continue;
          let s = m.get(r.key);
          if (!s) m.set(r.key, (s = { key: r.key, tokens: zeros(), costUsd: zeros(), runs: zeros() }));
          s.tokens[i] = r.tokens;
          s.costUsd[i] = r.cost;
          s.runs[i] = r.runs;
        }
        return [...m.values()].sort((a, b) => a.key.localeCompare(b.key));
      };
      const rt = rates.get(from) as { runs: number; done: number | null; failed: number | null; retried: number | null; reviewed: number | null };
      const finished = (rt.done ?? 0) + (rt.failed ?? 0);
      const ms = (durations.all(from) as Array<{ ms: number }>).map((r) => r.ms);
      const pick = (q: number): number => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0;
      return {
        days: dayList,
        ...h,
        byModule: series(byModule.all(from) as KeyRow[]),
        byAgent: series(byAgent.all(from) as KeyRow[]),
        byModel: series(byModel.all(from) as KeyRow[]),
        rates: {
          runs: rt.runs,
          success: finished ? (rt.done ?? 0) / finished : 0,
          failure: finished ? (rt.failed ?? 0) / finished : 0,
          retry: rt.runs ? (rt.retried ?? 0) / rt.runs : 0,
          review: rt.runs ? (rt.reviewed ?? 0) / rt.runs : 0,
        },
        timePerTask: { count: ms.length, medianMs: pick(0.5), p90Ms: pick(0.9), meanMs: ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length : 0 },
      };
    },
  };
}
export type HistoryStore = ReturnType<typeof createHistoryStore>;
