export * from './schemas.js';
export * from './web.js';
