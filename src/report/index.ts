export { buildReport, type ReportInput } from './build.js';
export { renderReport } from './markdown.js';
