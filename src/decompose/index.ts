// Plan decomposition (P6): a spec becomes plan files on a branch plan/<slug>, for a person to review and merge.
export { createDecomposer, type Decomposer, type DecomposerDeps, type PlannerTurn } from './service.js';
export { diffPlans } from './diff.js';
export { parseProposal, slugOf, type ProposedFile } from './proposal.js';
