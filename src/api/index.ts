export * from './schemas.js';
export * from './cluster.js';
