import { plural } from '../api/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { DaemonClient } from './daemon.js';

const text = (t: string, isError = false): CallToolResult => ({ content: [{ type: 'text', text: t }], ...(isError ? { isError } : {}) });

/** `worker_status` and `job_logs`: what an agent may see of the worker pool, and the output of its own command jobs. */
export const registerClusterTools = (server: McpServer, daemon: DaemonClient): void => {
  server.registerTool('worker_status', {
    title: 'Worker pool status',
    description: 'List the workers that can run this project\'s build, test and lint (and agents): name, load, labels, agents. Read-only.',
    inputSchema: {},
  }, async (_args, extra) => {
    const r = await daemon.workers(extra.signal);
    if (!r.ok) return text(`Could not read the worker pool: ${r.error}`, true);
    const s = r.value;
    if (!s.available) return text(`The worker pool is unavailable (${s.error ?? 'unknown reason'}); run_build, run_test and run_lint run next to you.`);
    if (s.workers.length === 0) return text('No workers are connected; run_build, run_test and run_lint run next to you.');
    const lines = s.workers.map((w) =>
      `- ${w.name}: ${w.running}/${w.jobs} busy; labels: ${w.labels.join(', ') || 'none'}; agents: ${w.agents.join(', ') || 'none'}; ${w.commands ? 'takes build/test/lint' : 'agents only'}`);
    return text(`${plural(s.workers.length, 'worker')}:\n${lines.join('\n')}`);
  });

  server.registerTool('job_logs', {
    title: 'Output of a command job',
    description: 'The output of one of your run_build/run_test/run_lint calls that ran on a worker: the latest one, or the job id its answer named. Returns the last `lines` lines.',
    inputSchema: {
      job: z.string().min(1).max(300).optional().describe('A job id from a run_* answer; default: your latest.'),
      lines: z.number().int().min(1).max(2000).optional().describe('How many lines from the end (default 200).'),
    },
  }, async ({ job, lines }, extra) => {
    const r = await daemon.jobLogs({ ...(job ? { job } : {}), lines: lines ?? 200 }, extra.signal);
    if (!r.ok) return text(`Could not read the job's output: ${r.error}`, true);
    const v = r.value;
    if (!v.job) return text('None of your commands ran on a worker yet: their whole output was in the run_* answer.');
    const others = v.jobs.filter((j) => j.id !== v.job).map((j) => `${j.id} (${j.kind}, ${j.at})`);
    const kind = v.jobs.find((j) => j.id === v.job)?.kind ?? 'command';
    return text(`job ${v.job} (${kind}), last ${plural(v.lines.length, 'line')}:\n${v.lines.join('\n') || '(no output)'}${others.length ? `\n\nYour other jobs: ${others.join(', ')}` : ''}`);
  });
};
