/**
 * Client-side view logic shared by the terminal UI and the web UI: readable lines for agent output and events, the
 * agent's current activity, formatting of numbers. Pure functions over `src/api` shapes; no Ink, React or DOM here.
 */
export * from './lines.js';
export * from './tools.js';
export * from './format.js';
export * from './cluster.js';
