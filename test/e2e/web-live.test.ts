import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../src/simulator/types.js';
import { until, type Sandbox } from '../harness.js';
import { showTask } from './runs.js';
import { startWebSuite, type WebSuite } from './web.js';

const write = (path: string, content: string) => ({ name: 'Write', input: { file_path: `{{cwd}}/${path}`, content } });
/** A model turn that takes its time (so the page sees the run between turns) and says what it used. */
const slow = (step: Step, inputTokens: number): Step => ({ ...step, delayMs: 1_500, usage: { inputTokens, outputTokens: 300 } });
const scenarios: Record<string, Step[]> = {
  // Turn 1: three API calls of 5,000 tokens in, then a question; the run waits for its answer.
  live: [
    slow({ text: 'Reading the code.', tools: [write('one.txt', '1\n')] }, 5_000),
    slow({ text: 'Writing more.', tools: [write('two.txt', '2\n')] }, 5_000),
    slow({ text: 'I need a decision.', tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Which unit should sizes use?' } }] }, 5_000),
    { text: 'Waiting for the answer.' },
  ],
  // Turn 2 (the resumed session): each call uses less than turn 1 did in all, so a card showing this turn's usage
  // instead of the run's would step back.
  resumed: [
    slow({ text: 'Using the answer.', tools: [write('unit.txt', 'cm\n')] }, 2_000),
    slow({ text: 'Checking it.', tools: [write('check.txt', 'ok\n')] }, 2_000),
    slow({ text: 'Done: wrote unit.txt' }, 2_000),
  ],
};

interface Sample {
  t: number;
  tokens: string;
  cost: string;
  merged: string;
  agents: string;
  /** The run's row in "Running agents" (state, tokens, cost), when it is there. */
  row: { state: string; tokens: string; cost: string } | null;
}

/** "12.3k" -> 12300, "1.2M", "950". */
const count = (s: string): number => {
  const m = /^([\d.]+)([kM]?)$/.exec(s.trim());
  if (!m) throw new Error(`not a token count: ${JSON.stringify(s)}`);
  return Number(m[1]) * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : 1);
};
const dollars = (s: string): number => Number(s.replace('$', ''));

/**
 * The dashboard's cards while a run is in progress, in real Chromium: every change of today's cards and of the
 * run's row is recorded in the page (a MutationObserver) from the start to the merge, then checked.
 */
describe('web dashboard while a run is in progress', () => {
  let suite: WebSuite;
  let sb: Sandbox;
  let page: Page;

  beforeAll(async () => {
    suite = await startWebSuite(
      {
        '.orch/config.toml': 'max_parallel_agents = 3\n\n[agent]\nanswer_wait_seconds = 0\n',
        'docs/plans/live-module/epic-01-sizes.md': '# Sizes\n\nPick a unit for sizes. [[scenario:live]]\n',
      },
      scenarios,
    );
    ({ sb, page } = suite);
  }, 120_000);

  afterAll(async () => {
    await suite?.close();
  }, 120_000);

  it("today's cards and the run's row move with each turn's usage, before the merge, and never step back", async () => {
    await page.goto(`${suite.base()}/#/dashboard`);
    await page.locator('[data-testid="today-tokens"]').waitFor();
    await page.evaluate(() => {
      const w = globalThis as unknown as { __samples: Sample[]; document: { querySelector: (s: string) => { textContent: string | null; querySelectorAll: (s: string) => ArrayLike<{ textContent: string | null }> } | null; body: unknown }; MutationObserver: new (cb: () => void) => { observe: (n: unknown, o: unknown) => void } };
      w.__samples = [];
      const text = (sel: string) => (w.document.querySelector(sel)?.textContent ?? '').trim();
      const read = (): Sample => {
        const tr = w.document.querySelector('[data-testid="active"] tr[data-task="live/E01"]');
        const td = tr ? Array.from(tr.querySelectorAll('td'), (c) => (c.textContent ?? '').trim()) : null;
        return {
          t: performance.now(),
          tokens: text('[data-testid="today-tokens"]'),
          cost: text('[data-testid="today-cost"]'),
          merged: text('[data-testid="today-merged"]'),
          agents: text('[data-testid="agents"]'),
          row: td ? { state: td[1]!, tokens: td[3]!, cost: td[4]! } : null,
        };
      };
      const same = (a: Sample, b: Sample) => JSON.stringify({ ...a, t: 0 }) === JSON.stringify({ ...b, t: 0 });
      const note = () => {
        const s = read();
        const last = w.__samples.at(-1);
        if (!last || !same(last, s)) w.__samples.push(s);
      };
      note();
      new w.MutationObserver(note).observe(w.document.body, { subtree: true, childList: true, characterData: true });
    });
    const samples = (): Promise<Sample[]> => page.evaluate(() => (globalThis as unknown as { __samples: Sample[] }).__samples);

    expect((await sb.orchAsync('start', 'live/E01')).status).toBe(0);
    await until(async () => (await showTask(sb, 'live/E01')).runs[0]?.state === 'waiting', 'the question', 120_000);
    // Waiting on its question, the run still holds its row, with turn 1's tokens and its cost.
    await page.locator('[data-testid="active"] tr[data-task="live/E01"] td.s-waiting').waitFor({ timeout: 30_000 });
    const q = (JSON.parse((await sb.orchAsync('questions', '--json')).stdout) as Array<{ id: string }>)[0]!;
    expect((await sb.orchAsync('answer', q.id, 'cm', '[[scenario:resumed]]')).status).toBe(0);
    await until(async () => (await showTask(sb, 'live/E01')).task.status === 'complete', 'the answered run to merge', 120_000);
    await page.locator('[data-testid="today-merged"]', { hasText: /^1$/ }).waitFor({ timeout: 30_000 });
    const today = (JSON.parse((await sb.orchAsync('status', '--json')).stdout) as { today: { tokens: number; costUsd: number } }).today;
    await page.locator('[data-testid="today-tokens"]', { hasText: new RegExp(`^${(today.tokens / 1000).toFixed(1)}k$`) }).waitFor();
    const all = await samples();
    const report = () => all.map((s) => `${Math.round(s.t)} ${s.agents} merged=${s.merged} ${s.tokens} ${s.cost} ${s.row ? `${s.row.state} ${s.row.tokens} ${s.row.cost}` : '-'}`).join('\n');

    // Never a step back: today's tokens and cost, and the run's, only grow (a resumed turn counts from the run's total).
    for (let i = 1; i < all.length; i++) {
      expect(count(all[i]!.tokens), report()).toBeGreaterThanOrEqual(count(all[i - 1]!.tokens));
      expect(dollars(all[i]!.cost), report()).toBeGreaterThanOrEqual(dollars(all[i - 1]!.cost));
    }
    const withRow = all.filter((s) => s.row);
    for (let i = 1; i < withRow.length; i++) expect(count(withRow[i]!.row!.tokens), report()).toBeGreaterThanOrEqual(count(withRow[i - 1]!.row!.tokens));
    // While the agent worked (turn 1, then turn 2), the tokens moved several times: mid-turn, not only at its end.
    const running = withRow.filter((s) => s.row!.state === 'running');
    const moves = new Set(running.map((s) => s.tokens));
    expect(moves.size, report()).toBeGreaterThanOrEqual(4);
    expect(new Set(running.map((s) => s.row!.tokens)).size, report()).toBeGreaterThanOrEqual(4);
    expect(running.every((s) => s.agents.startsWith('1/3')), report()).toBe(true);
    expect(running.every((s) => s.merged === '0'), report()).toBe(true);
    // Turn 1 ended on the question: its cost is on the cards while the run waits, before any merge.
    const waitingRows = withRow.filter((s) => s.row!.state === 'waiting');
    expect(waitingRows.length, report()).toBeGreaterThan(0);
    expect(dollars(waitingRows.at(-1)!.row!.cost), report()).toBeGreaterThan(0);
    expect(dollars(waitingRows.at(-1)!.cost), report()).toBeGreaterThan(0);
    expect(count(waitingRows.at(-1)!.tokens), report()).toBeGreaterThanOrEqual(15_000);
    expect(waitingRows.at(-1)!.merged).toBe('0');
    // Turn 2 ran on from there, and the merge moved "merged today"; the page ends where the daemon's store does.
    const turn2 = running.filter((s) => s.t > waitingRows.at(-1)!.t);
    expect(turn2.length, report()).toBeGreaterThan(0);
    expect(count(turn2.at(-1)!.row!.tokens), report()).toBeGreaterThan(count(waitingRows.at(-1)!.row!.tokens));
    const last = all.at(-1)!;
    expect(last).toMatchObject({ merged: '1', row: null, agents: '0/3' });
    expect(dollars(last.cost)).toBeCloseTo(today.costUsd, 3);
    expect(suite.problems).toEqual([]);
  }, 300_000);
});
