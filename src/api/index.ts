export * from './schemas.js';
export * from './cluster.js';
export { apiRetryText } from './retry.js';
export * from './agent.js';
export * from './events.js';
export * from './web.js';
export * from './plan.js';
export * from './notify.js';
export * from './workflow.js';
