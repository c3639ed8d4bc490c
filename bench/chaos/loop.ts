// Chaos suite, part 6: the kill loop. One trial: `orch start`, a seeded sleep, one kill -9 (the daemon, one agent,
// or the daemon while it is between pushing a branch and opening its pull request), `orch status` to restart it.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../../src/agents/index.js';
import { watchAgents } from './agents.js';
import { githubForge } from './github.js';
import { checkInvariants, parseJson, type ListTask, type SeenHeads } from './invariants.js';
import { createRng, generatePlan, roundSeed } from './plan.js';
import { createProject, localForge, type ChaosForge, type Exec } from './project.js';
import { startChaosCluster, type ChaosCluster } from './cluster.js';

export type ForgeName = 'local' | 'github';

export interface ChaosOptions {
  seed: number;
  trials: number;
  tasks?: number;
  maxParallel?: number;
  forge?: ForgeName;
  /** Run agents on this many `orch worker` processes through a real Redis, and kill workers and Redis too. */
  cluster?: number;
  /**
   * The kinds of kill of the first trials, in this order, instead of the seeded dice (the timing stays seeded): a short
   * run can be sure to kill what it checks.
   */
  kills?: Array<'agent' | 'daemon' | 'worker' | 'redis'>;
  /** Time allowed for the plan to finish after the last trial. */
  finishTimeoutMs?: number;
  keep?: boolean;
  log?: (line: string) => void;
}

export interface Violation {
  invariant: string;
  detail: string;
  seed: number;
  round: number;
  trial: number;
}

export interface ChaosReport {
  seed: number;
  forge: ForgeName;
  /** Workers in cluster mode (0: everything runs in the daemon's machine). */
  cluster: number;
  /** The kinds of kill set for the first trials (`--kills`), when set. */
  killKinds?: string[];
  trials: number;
  rounds: number;
  tasks: number;
  /** `prGap`: the daemon killed while it held a pushed branch whose pull request was not yet created. */
  /** `workerMidJob`: worker kills that hit a worker while it held an active agent job. */
  kills: { daemon: number; agent: number; prGap: number; worker: number; workerMidJob: number; redis: number };
  /** Agent kills that left the task failed, retried with an explicit `orch start <task>`. */
  retries: number;
  agentsSpawned: number;
  wallMs: number;
  violations: Violation[];
}

const forges: Record<ForgeName, () => ChaosForge> = { local: localForge, github: githubForge };

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const forgeName = o.forge ?? 'local';
  const nTasks = Math.max(10, o.tasks ?? 12);
  const finishMs = o.finishTimeoutMs ?? 180_000;
  const workers = o.cluster ?? 0;
  const report: ChaosReport = { seed: o.seed, forge: forgeName, cluster: workers, ...(o.kills?.length ? { killKinds: [...o.kills] } : {}), trials: 0, rounds: 0, tasks: 0, kills: { daemon: 0, agent: 0, prGap: 0, worker: 0, workerMidJob: 0, redis: 0 }, retries: 0, agentsSpawned: 0, wallMs: 0, violations: [] };

  while (report.trials < o.trials || report.rounds === 0) {
    const round = report.rounds++;
    const rng = createRng(roundSeed(o.seed, round));
    const plan = generatePlan(rng, nTasks);
    report.tasks += plan.tasks.length;
    const forge = forges[forgeName]();
    const p = await createProject(plan.files, forge, o.maxParallel ?? 3);
    const cluster: ChaosCluster | undefined = workers > 0 ? await startChaosCluster(p, workers) : undefined;
    const violation = (invariant: string, detail: string): void => {
      const v = { invariant, detail, seed: o.seed, round, trial: report.trials };
      report.violations.push(v);
      log(`VIOLATION ${invariant} (seed ${o.seed}, round ${round}, trial ${v.trial}): ${detail}`);
    };
    const watcher = watchAgents(p, () => report.trials, (d) => violation('no-concurrent-agent', d));
    const seenHeads: SeenHeads = new Map();
    const recordHeads = async (): Promise<void> => {
      const refs = await p.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/feat']);
      for (const line of refs.split('\n').filter(Boolean)) {
        const [sha, ref] = line.split(' ');
        if (sha && ref && !seenHeads.has(sha)) seenHeads.set(sha, { ref, trial: report.trials });
      }
    };
    const cli = async (args: string[], timeoutMs?: number): Promise<Exec> => {
      const r = await p.orch(args, timeoutMs);
      if (r.status !== 0) violation('cli', `orch ${args.join(' ')} exited ${r.timedOut ? 'by timeout' : String(r.status)}: ${(r.stderr || r.stdout).trim().slice(-400)}`);
      return r;
    };
    /** Starts what is startable; a task failed by a killed agent is retried the way a user would. */
    const startAll = async (): Promise<{ done: boolean; busy: boolean }> => {
      const list = parseJson<ListTask[]>(await p.orch(['list', '--json']), 'list');
      const failed = list.filter((t) => t.status === 'failed').map((t) => t.id);
      if (list.every((t) => t.status === 'complete')) return { done: true, busy: false };
      await cli(['start']);
      if (failed.length > 0) {
        report.retries += failed.length;
        log(`  retry ${failed.join(' ')}`);
        await cli(['start', ...failed]);
      }
      return { done: false, busy: list.some((t) => t.status === 'in_progress') };
    };
    const killDaemon = async (trial: number, why: string): Promise<boolean> => {
      const st = await p.orch(['daemon', 'status', '--json']);
      const d = st.status === 0 ? parseJson<{ pid?: number }>(st, 'daemon status') : {};
      if (!d.pid) {
        log(`trial ${trial}: no daemon to kill`);
        return false;
      }
      log(`trial ${trial}: kill -9 daemon ${d.pid} (${why})`);
      process.kill(d.pid, 'SIGKILL');
      for (let i = 0; i < 100 && isAlive(d.pid); i++) await sleep(20);
      return true;
    };
    try {
      log(`round ${round}: ${plan.tasks.length} tasks, forge ${forge.name}, in ${p.base}`);
      while (report.trials < o.trials) {
        const trial = report.trials;
        const { done } = await startAll();
        if (done) break;
        report.trials++;
        await sleep(rng.int(0, 2000));
        await recordHeads();
        const dice = rng.next();
        // In cluster mode a quarter of the kills take a worker (with everything under it) and a fifth Redis.
        const kind = o.kills?.[trial] ?? (cluster
          ? dice < 0.25 ? 'agent' : dice < 0.5 ? 'worker' : dice < 0.7 ? 'redis' : 'daemon'
          : dice < 0.45 ? 'agent' : forge.holdNextPr && dice < 0.7 ? 'pr-gap' : 'daemon');
        if (kind === 'worker' && cluster) {
          log(`trial ${trial}: kill -9 a worker (${cluster.live().map((w) => w.name).join(', ')} live)`);
          const k = await cluster.killWorker((ws) => rng.pick(ws), log);
          if (k.killed) report.kills.worker++;
          if (k.midJob) report.kills.workerMidJob++;
        } else if (kind === 'redis' && cluster) {
          log(`trial ${trial}: kill -9 Redis`);
          await cluster.killRedis(rng.int(200, 2000), log);
          report.kills.redis++;
        } else if (kind === 'pr-gap' && forge.holdNextPr) {
          // Wait for the next PR creation and hold it: the branch is pushed, the PR not yet opened.
          const held = await forge.holdNextPr(8000);
          if (held) report.kills.prGap++;
          if ((await killDaemon(trial, held ? 'between push and PR create' : 'no PR creation came')) && !held) report.kills.daemon++;
        } else {
          let agents = watcher.running();
          // Between two agents (merging, restarting) there may be none: wait a little for the next one.
          for (let i = 0; kind === 'agent' && agents.length === 0 && i < 40; i++) {
            await sleep(50);
            agents = watcher.running();
          }
          const victim = kind === 'agent' ? rng.pick(agents) : undefined;
          if (victim) {
            report.kills.agent++;
            log(`trial ${trial}: kill -9 agent ${victim.pid} (${victim.task ?? victim.cwd})`);
            process.kill(victim.pid, 'SIGKILL');
          } else if (await killDaemon(trial, `${agents.length} agent(s) running`)) report.kills.daemon++;
        }
        await cli(['status']);
        await recordHeads();
      }
      // Let the plan finish: keep starting (and retrying) until every task is complete or time runs out.
      const deadline = Date.now() + finishMs;
      let finished = false;
      while (Date.now() < deadline) {
        const { done, busy } = await startAll();
        if (done) {
          finished = true;
          break;
        }
        if (!busy) await cli(['start', '--wait'], Math.max(1000, deadline - Date.now()));
        else await sleep(300);
        await recordHeads();
      }
      if (!finished) violation('finish', `the plan did not finish within ${finishMs} ms after the last trial`);
      watcher.poll();
      // The workers' processes are ours too: stopped before the check that none is left.
      await cluster?.stop();
      for (const v of await checkInvariants(p, forge, plan.tasks, seenHeads)) violation(v.invariant, v.detail);
    } finally {
      watcher.stop();
      report.agentsSpawned += watcher.count();
      await cluster?.stop().catch(() => undefined);
      await p.orch(['daemon', 'stop'], 30_000).catch(() => undefined);
      await forge.teardown(p);
      if (!o.keep && report.violations.every((v) => v.round !== round)) rmSync(p.base, { recursive: true, force: true });
      else log(`kept ${p.base}`);
    }
  }
  report.wallMs = Date.now() - t0;
  return report;
}

export function formatReport(r: ChaosReport): string {
  const cl = `${r.cluster ? ` --cluster ${r.cluster}` : ''}${r.killKinds?.length ? ` --kills ${r.killKinds.join(',')}` : ''}`;
  const lines = [
    `chaos (seed ${r.seed}, forge ${r.forge}${r.cluster ? `, ${r.cluster} workers on Redis` : ''}): ${r.trials} trials in ${r.rounds} round(s), ${r.tasks} tasks, ${r.agentsSpawned} agent processes`,
    `kills: ${r.kills.daemon + r.kills.agent + r.kills.prGap + r.kills.worker + r.kills.redis} (${r.kills.daemon} daemon, ${r.kills.agent} agent, ${r.kills.prGap} daemon between push and PR create${r.cluster ? `, ${r.kills.worker} worker (${r.kills.workerMidJob} mid-job), ${r.kills.redis} Redis` : ''}; ${r.retries} failed task(s) retried)`,
    `wall time: ${(r.wallMs / 1000).toFixed(1)} s`,
    `violations: ${r.violations.length}`,
    ...r.violations.map(
      (v) => `  [${v.invariant}] ${v.detail}\n    replay: node dist/bench/chaos.js --forge ${r.forge}${cl} --seed ${v.seed} --trials ${v.trial + 1} (round ${v.round}, trial ${v.trial})`,
    ),
    `replay this run: node dist/bench/chaos.js --forge ${r.forge}${cl} --seed ${r.seed} --trials ${r.trials}`,
  ];
  return `${lines.join('\n')}\n`;
}
