export * from './schemas.js';
export { apiRetryText } from './retry.js';
