export { createClusterService, type ClusterConfig, type ClusterService, type ClusterStatus } from './service.js';
export { startWorker, type WorkerOptions } from './worker.js';
export { redisUrlProblem, redactRedisUrl } from './connection.js';
export type { WorkerInfo } from '../api/cluster.js';
