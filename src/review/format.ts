import type { Decision, Reason } from './types.js';

function where(r: Reason): string {
  return r.line === undefined ? r.file : `${r.file}:${r.line}`;
}

/** Plain text for the CLI: a headline, then one line per reason grouped by category. */
export function formatDecision(decision: Decision): string {
  const head = decision.flagged
    ? `${decision.category}: needs human review (${decision.reasons.length} reason${decision.reasons.length === 1 ? '' : 's'})`
    : `${decision.category}: can merge automatically`;
  const lines = [head];
  for (const r of decision.reasons) {
    lines.push(`  [${r.category}] ${where(r)}  ${r.detail}  (${r.rule})`);
  }
  return lines.join('\n');
}
