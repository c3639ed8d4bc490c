import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyUsage, type AgentBackend, type AgentRunRequest } from '../agents/index.js';
import { createStore, type Store, type TaskRow } from '../store/index.js';
import { createPlanner, planOutline } from './planner.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A backend that answers with `reply` and records what it was asked (a unit double; the e2e uses real Claude Code). */
function replying(reply: string | Error, seen: AgentRunRequest[], usage = emptyUsage(), costUsd?: number): AgentBackend {
  return {
    id: 'claude',
    check: async () => ({ ok: true, command: 'x' }),
    start(req) {
      seen.push(req);
      const ok = !(reply instanceof Error);
      return {
        pid: 1,
        pgid: 1,
        result: Promise.resolve({
          ok, usage, ...(costUsd === undefined ? {} : { costUsd }), resultText: ok ? reply : '', exitCode: ok ? 0 : 1, signal: null, durationMs: 1, canceled: false,
          ...(ok ? {} : { error: reply.message }),
        }),
      };
    },
  };
}

function setup(reply: string | Error, o: { hold?: (runId: string) => string | undefined } = {}) {
  dir = mkdtempSync(join(tmpdir(), 'orch-planner-'));
  const store: Store = createStore(join(dir, 'orch.db'));
  store.tasks.sync([
    { id: 'billing/E01', module: 'billing', epic: 1, title: 'Prices', description: 'Store prices.', file: 'docs/plans/billing-module/epic-01-prices.md', body: '# Prices\n\nAll amounts are integer cents.\n', priority: 'medium', dependsOn: [], dependencySources: [], needsReview: false, touches: [], conflictsWith: [] },
    { id: 'billing/E02', module: 'billing', epic: 2, title: 'Invoices', description: 'Render invoices.', file: 'docs/plans/billing-module/epic-02-invoices.md', body: '# Invoices\n', priority: 'medium', dependsOn: ['billing/E01'], dependencySources: [], needsReview: false, touches: [], conflictsWith: [] },
  ], () => false);
  store.batches.create('b1', { tasks: [] }, null);
  store.runs.create({ id: 'r1', taskId: 'billing/E01', batchId: 'b1', attempt: 1, branch: 'feat/billing-E01', worktree: join(dir, 'wt'), targetBranch: 'main', backend: 'claude', model: null });
  const sig = store.signals.add('r1', 'billing/E01', 'question', 'Cents or decimals?', 'orchestrator');
  const seen: AgentRunRequest[] = [];
  const notes: string[] = [];
  const answers: Array<{ id: string; text: string; by: string }> = [];
  const escalated: string[] = [];
  const charged: Array<{ runId: string; tokens: number; costUsd: number }> = [];
  const planner = createPlanner({
    store,
    backendFor: () => ({ name: 'lead', backendId: 'claude', backend: replying(reply, seen, { inputTokens: 900, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 }, 0.02), model: null, systemPrompt: null, env: {} }),
    agentName: 'lead',
    modules: () => [{ name: 'billing', dir: 'docs/plans/billing-module', overview: 'Billing owns money.' }],
    templateDirs: { projectRoot: dir, userConfigDir: dir },
    targetBranch: 'main',
    timeoutMs: 5000,
    scratchDir: dir,
    note: (_r, m) => notes.push(m),
    answer: (id, text, by) => answers.push({ id, text, by }),
    escalated: (s, why) => escalated.push(`${s.id}: ${why}`),
    ...(o.hold ? { hold: o.hold } : {}),
    charge: (runId, u, c) => charged.push({ runId, tokens: u.inputTokens + u.outputTokens, costUsd: c }),
  });
  return { store, sig, planner, seen, notes, answers, dir, escalated, charged };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('planner answers questions for the orchestrator', () => {
  it('asks with the question first and the plan after, in an empty scratch dir it then removes', async () => {
    const s = setup('Integer cents.');
    s.planner.answer(s.sig);
    await settle();
    expect(s.answers).toEqual([{ id: s.sig.id, text: 'Integer cents.', by: 'planner (lead)' }]);
    const prompt = s.seen[0]?.prompt ?? '';
    expect(prompt.indexOf('Cents or decimals?')).toBeLessThan(prompt.indexOf('All amounts are integer cents.'));
    expect(prompt).toContain('Billing owns money.');
    expect(prompt).toContain('- billing/E02 Invoices [not_started]: Render invoices.');
    expect(s.seen[0]?.mcp).toBeUndefined();
    expect(s.seen[0]?.cwd.startsWith(s.dir)).toBe(true);
    expect(readdirSync(s.dir).filter((f) => f.startsWith('planner-'))).toEqual([]);
    s.store.close();
  });

  it('leaves the question to a human when the planner escalates or fails, saying why', async () => {
    const e = setup('ESCALATE: the plan does not say; product must decide');
    e.planner.answer(e.sig);
    await settle();
    expect(e.answers).toEqual([]);
    expect(e.notes.at(-1)).toMatch(/the planner escalated: the plan does not say; product must decide; question \S+ waits for a human/);
    // A person is told (the engine emits it as a question for a human: notified as question.waiting).
    expect(e.escalated).toEqual([`${e.sig.id}: the planner escalated: the plan does not say; product must decide`]);
    e.store.close();
    rmSync(e.dir, { recursive: true, force: true });
    const f = setup(new Error('rate limited'));
    f.planner.answer(f.sig);
    await settle();
    expect(f.answers).toEqual([]);
    expect(f.notes.at(-1)).toMatch(/the planner failed: rate limited/);
    expect(f.escalated).toEqual([`${f.sig.id}: the planner failed: rate limited`]);
    f.store.close();
  });

  it("its usage is charged to the asking run, and a spent budget leaves the question to a person without a turn", async () => {
    const s = setup('Integer cents.');
    s.planner.answer(s.sig);
    await settle();
    expect(s.charged).toEqual([{ runId: 'r1', tokens: 940, costUsd: 0.02 }]);
    s.store.close();
    rmSync(s.dir, { recursive: true, force: true });
    const held = setup('never asked', { hold: (runId) => (runId === 'r1' ? 'paused by budget: batch_usd: the batch budget of b1 is spent' : undefined) });
    held.planner.answer(held.sig);
    await settle();
    expect(held.seen).toEqual([]);
    expect(held.charged).toEqual([]);
    expect(held.answers).toEqual([]);
    expect(held.escalated).toEqual([`${held.sig.id}: the planner did not answer: paused by budget: batch_usd: the batch budget of b1 is spent`]);
    expect(held.notes.at(-1)).toMatch(/waits for a human \(orch answer \S+ "\.\.\."\)/);
    expect(held.planner.busyFor('r1')).toBe(false);
    held.store.close();
  });

  it('a broken planner-answer override leaves the question to a human instead of crashing', async () => {
    const s = setup('never asked');
    mkdirSync(join(s.dir, '.orch', 'prompts'), { recursive: true });
    writeFileSync(join(s.dir, '.orch', 'prompts', 'planner-answer.md'), 'Answer {{questoin}}\n');
    s.planner.answer(s.sig);
    await settle();
    expect(s.seen).toEqual([]);
    expect(s.answers).toEqual([]);
    expect(s.notes.at(-1)).toMatch(/the planner failed: .*questoin.*; question \S+ waits for a human/);
    expect(s.planner.busyFor('r1')).toBe(false);
    s.store.close();
  });

  it('outlines the plan without the asking task, removed tasks or maintenance work, and caps it', () => {
    const base = { module: 'm', epic: 1, description: '', file: '', body: '', priority: 'medium' as const, dependsOn: [], needsReview: false, touches: [], conflictsWith: [], deliverables: [], complexity: null, agent: null, model: null, workflow: null, planStatus: null, status: 'not_started' as const, statusNote: null };
    const rows: TaskRow[] = Array.from({ length: 250 }, (_, i) => ({ ...base, id: `m/E${i}`, title: `T${i}`, removedAt: null, source: 'plan' }));
    rows.push({ ...base, id: 'maintenance/docs', title: 'docs', removedAt: null, source: 'maintenance' as const });
    const out = planOutline(rows, 'm/E0').split('\n');
    expect(out).toHaveLength(201);
    expect(out[0]).toBe('- m/E1 T1 [not_started]');
    expect(out.at(-1)).toBe('- ... and 49 more');
  });
});
