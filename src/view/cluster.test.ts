import { describe, expect, it } from 'vitest';
import type { ClusterStatus, WorkerInfo } from '../api/index.js';
import { clusterBrief, clusterSummary, workerRow } from './cluster.js';

const worker = (name: string, extra: Partial<WorkerInfo> = {}): WorkerInfo => ({
  name, host: 'h1', pid: 1, jobs: 2, running: [], labels: [], agents: [{ id: 'claude', version: '2.1.0' }], repos: [], startedAt: '', heartbeat: 0, orch: '0.1.0', protocol: 2, ...extra,
});
const cluster = (workers: WorkerInfo[], extra: Partial<ClusterStatus> = {}): ClusterStatus => ({ url: 'redis://q:6379', repoUrl: '/r', available: true, workers, orch: '0.1.0', protocol: 2, ...extra });

describe('the worker pool in the TUI and the web UI', () => {
  it('sums the load of the workers that take jobs and counts the others apart', () => {
    const busy = worker('w1', { running: [{ id: 'j1', queue: 'q', taskId: 'a/E01', startedAt: '' }] });
    expect(clusterSummary(cluster([busy, worker('w2'), worker('old', { protocol: undefined, orch: undefined })]))).toBe('workers 2 (1/4 busy), 1 of another Orch version');
    expect(clusterSummary(cluster([]))).toBe('workers 0 (0/0 busy)');
    expect(clusterBrief(cluster([busy, worker('w2'), worker('old', { protocol: 1 })]))).toBe('workers 2 (1/4) +1 other version');
    expect(clusterBrief(cluster([], { available: false }))).toBe('cluster unavailable');
    expect(clusterSummary(undefined)).toBeUndefined();
    expect(clusterSummary(cluster([], { available: false, error: 'Redis at redis://q:6379 is unreachable (reconnecting)' }))).toBe('cluster unavailable: agents run here (Redis at redis://q:6379 is unreachable (reconnecting))');
  });

  it('shows a worker row with its jobs, and why a worker of another version takes none', () => {
    const c = cluster([]);
    expect(workerRow(c, worker('w1', { labels: ['gpu'], running: [{ id: 'j1', queue: 'q', taskId: 'a/E01', startedAt: '' }] }))).toEqual({ name: 'w1', host: 'h1', load: '1/2', agents: 'claude 2.1.0', labels: 'gpu', jobs: 'a/E01' });
    expect(workerRow(c, worker('old', { protocol: undefined, orch: undefined })).problem).toBe('runs an older Orch (protocol 1), the daemon Orch 0.1.0: takes none of its jobs');
  });
});
