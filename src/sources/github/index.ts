export { createGitHubSource, GITHUB_ID, type GitHubSourceOptions } from './source.js';
export { octokitIssues, type IssueRecord, type IssuesApi } from './api.js';
export { blockingRefs } from './refs.js';
export { parseReadiness, readinessPrompt, READINESS_HEADER, type Readiness } from './readiness.js';
