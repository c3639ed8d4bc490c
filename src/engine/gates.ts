import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Verification } from '../api/index.js';

/**
 * The path a deliverable names. Daily task files write free text such as "Updated docs/MODULE_REGISTRY.md": the
 * path is the last word that looks like one. Undefined when the entry names no file inside the worktree.
 */
export function deliverablePath(entry: string): string | undefined {
  const words = entry.trim().split(/\s+/).map((w) => w.replace(/^[`'"(]+|[`'",;:)]+$/g, ''));
  const path = [...words].reverse().find((w) => /[./]/.test(w) && /[A-Za-z0-9]/.test(w));
  if (!path || path.startsWith('/') || path.startsWith('~') || path.split('/').includes('..')) return undefined;
  return path.replace(/\/$/, '');
}

/** The deliverables (as written) whose file is not in the worktree. */
export function missingDeliverables(worktree: string, deliverables: readonly string[]): string[] {
  return deliverables.filter((d) => {
    const p = deliverablePath(d);
    return p !== undefined && !existsSync(join(worktree, p));
  });
}

export function deliverablesPrompt(missing: readonly string[]): string {
  return [
    'Your work is not finished.',
    '',
    'Deliverables missing from this directory:',
    ...missing.map((m) => `- \`${deliverablePath(m) ?? m}\`${deliverablePath(m) === m ? '' : ` (${m})`}`),
    '',
    'Create them (with real content for the task), then end your turn. Do not commit or push: Orch does that.',
  ].join('\n');
}

const TAIL_CHARS = 3000;

/**
 * The prompt that sends failing checks back to the agent's session: which command, its exit code and the tail of
 * its output. The tail is plain text, not fenced: output that contains fences of its own stays readable.
 */
export function checksPrompt(failing: readonly Verification[], attempt: number, max: number): string {
  const parts = [`Orch ran the project's checks on your change and ${failing.length === 1 ? 'one failed' : `${failing.length} failed`} (fix attempt ${attempt} of ${max}):`, ''];
  for (const v of failing) {
    const tail = v.outputTail.length > TAIL_CHARS ? `…${v.outputTail.slice(-TAIL_CHARS)}` : v.outputTail;
    parts.push(`## ${v.kind}: ${v.command} — ${v.timedOut ? 'timed out' : `exit code ${v.exitCode ?? 'none'}`}`, '', 'Last lines of its output:', '', tail.trim() || '(no output)', '');
  }
  parts.push('Fix the code in this directory so these checks pass, then end your turn. Do not commit or push: Orch commits and runs the checks again.');
  return parts.join('\n');
}

/** One line per failing check, for the reason a person reads. */
export const failingSummary = (failing: readonly Verification[]): string =>
  failing.map((v) => `${v.kind} (${v.command}) ${v.timedOut ? 'timed out' : `failed with exit code ${v.exitCode ?? 'none'}`}`).join('; ');
