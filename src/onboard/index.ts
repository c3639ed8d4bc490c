// Onboarding (U5): the first ten minutes. Loaded only by `orch onboard`; Ink only on a terminal.
export { onboard, type OnboardOptions, type OnboardResult } from './flow.js';
export { defaultsPrompter, type Prompter, type Question } from './prompt.js';
export { linePrompter } from './line-prompter.js';
export { inspect, findings, type Facts, type Finding } from './inspect.js';
export { samplePlanFiles, SAMPLE_MODULE } from './scaffold.js';
