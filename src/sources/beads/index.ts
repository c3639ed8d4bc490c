export { createBeadsSource, BEADS_ID, epicOf, type BeadsSourceOptions } from './source.js';
export { bdRunner, issuesOf, type BeadsIssue, type RunBd } from './bd.js';
