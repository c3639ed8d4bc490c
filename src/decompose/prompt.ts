import type { PlanIssue, PlanTask } from '../plans/index.js';

/** The first prompt of a decomposition. "Orch plan decomposition" marks it (the simulated model keys on it). */
export function decomposePrompt(o: { spec: string; name: string; plansDir: string; module?: string; existing: readonly PlanTask[] }): string {
  const outline = o.existing.length
    ? o.existing.slice(0, 300).map((t) => `- ${t.id} ${t.title} (${t.file})`).join('\n')
    : '- (no plan yet)';
  const where = o.module
    ? `Write the module \`${o.module}\` only: every file goes in \`${o.plansDir}/${o.module}/\`.`
    : `Choose modules (a few, by area of the code); each is a folder \`${o.plansDir}/<module>/\`.`;
  return `Orch plan decomposition.

Turn the specification below into Orch plan files for review. Read the repository as much as you need to; do not
change any file: answer with the files as text, and nothing you write elsewhere is kept.

${where}
For each module: \`00-overview.md\` (what the module is for, the folders it owns, its conventions; every agent on
the module reads it), and one file per epic, \`epic-NN-<slug>.md\` (NN = 01, 02, ... within the module), each a
piece of work one agent can finish and merge on its own in under an hour. An epic file is:

\`\`\`
---
priority: high | medium | low
depends_on: [<module>/E<NN>, ...]   # epics that must be merged first; E<NN> alone = the same module
touches: [src/billing/**]            # files it will change (globs), so conflicting epics do not run together
---
# <Title>

<A first paragraph: what and why.>

## Deliverables
- <files or behaviour>

## Acceptance criteria
- <how a reviewer tells it is done>
\`\`\`

Dependencies may name the existing epics below; never create a cycle. Keep ids stable: do not rewrite existing
epics unless the specification asks for it.

Answer with every file as a block, and nothing but blocks:

\`\`\`file:${o.plansDir}/<module>/epic-01-<slug>.md
<content>
\`\`\`

The existing plan:
${outline}

The specification (${o.name}):

${o.spec.trim()}
`;
}

/** The prompt that sends an invalid proposal back, with the parser's own words. */
export function retryPrompt(problems: readonly string[], issues: readonly PlanIssue[]): string {
  const lines = [
    ...problems.map((p) => `- ${p}`),
    ...issues.map((i) => `- ${i.file}${i.line > 0 ? `:${i.line}` : ''}: ${i.message}${i.fix ? ` (fix: ${i.fix})` : ''}`),
  ];
  return `Orch plan decomposition: your proposal is not a valid plan. Orch's plan parser says:

${lines.join('\n')}

Answer again with the complete set of files (every file, not only the fixed ones), as \`\`\`file:PATH blocks.
`;
}
