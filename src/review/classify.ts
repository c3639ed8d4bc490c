import { ownersOf, parseCodeowners } from './codeowners.js';
import { parseDiff } from './diff.js';
import { globMatcher } from '../glob/index.js';
import { codeOf, commentStyle, isAssetPath, isDocPath, isTestPath } from './paths.js';
import { architectureReasons } from './rules/architecture.js';
import { clip, ReasonSet, snippet } from './rules/collect.js';
import { migrationReasons } from './rules/migrations.js';
import { securityReasons } from './rules/security.js';
import type { Category, Decision, DiffFile, ProjectRule, ReviewContext } from './types.js';

export const DEFAULT_MAX_CHANGED_LINES = 2000;

/** Precedence when several categories apply: the riskiest one names the change. */
const RANK: Record<Category, number> = { security: 3, migrations: 2, architecture: 1, routine: 0 };

function projectRules(files: readonly DiffFile[], rules: readonly ProjectRule[], out: ReasonSet): void {
  rules.forEach((rule, idx) => {
    const id = `project/${idx + 1}`;
    const regexes: RegExp[] = [];
    for (const source of rule.patterns ?? []) {
      try {
        regexes.push(new RegExp(source));
      } catch (cause) {
        out.add('architecture', `${id}/invalid`, '(config)', `unsure: rule "${rule.reason}" has an invalid pattern ${JSON.stringify(source)}: ${String(cause)}`);
      }
    }
    const globs = (rule.paths ?? []).map((g) => globMatcher(g));
    for (const g of globs) {
      // A refused glob (too long, braces expanding too far) cannot say a file is out of scope: flag as unsure.
      if (!g.ok) out.add('architecture', `${id}/invalid`, '(config)', `unsure: rule "${rule.reason}": ${g.error}`);
    }
    for (const file of files) {
      const inScope = globs.length === 0 || [file.path, file.oldPath].some((p) => p !== undefined && globs.some((g) => g.ok && g.test(p)));
      if (!inScope) continue;
      if (regexes.length === 0) {
        if (globs.length > 0) out.add(rule.category, id, file.path, rule.reason);
        continue;
      }
      const cs = commentStyle(file.path);
      for (const l of [...file.added, ...file.removed]) {
        const code = codeOf(clip(l.text), cs);
        if (code !== '' && regexes.some((re) => re.test(code))) out.add(rule.category, id, file.path, `${rule.reason}: ${snippet(code)}`, l.line);
      }
    }
  });
}

function codeownerReasons(files: readonly DiffFile[], ctx: ReviewContext, out: ReasonSet): void {
  const teams = new Set((ctx.reviewOwners ?? []).map((o) => o.toLowerCase()));
  if (ctx.codeowners === undefined || teams.size === 0) return;
  const rules = parseCodeowners(ctx.codeowners);
  for (const file of files) {
    for (const p of [file.path, file.oldPath]) {
      if (p === undefined) continue;
      const rule = ownersOf(rules, p);
      const owner = rule?.owners.find((o) => teams.has(o.toLowerCase()));
      if (rule && owner) out.add('architecture', 'codeowners', file.path, `owned by review team ${owner} (CODEOWNERS line ${rule.line}: ${rule.pattern})`);
    }
  }
}

function unsureReasons(text: string, files: readonly DiffFile[], ctx: ReviewContext, out: ReasonSet): void {
  if (files.length === 0 && text.trim() !== '') {
    out.add('architecture', 'unsure/unparsed', '(diff)', 'unsure: the diff could not be parsed into files');
  }
  const max = ctx.maxChangedLines ?? DEFAULT_MAX_CHANGED_LINES;
  const size = files.reduce((n, f) => n + f.added.length + f.removed.length, 0);
  if (size > max) out.add('architecture', 'unsure/size', '(diff)', `unsure: ${size} changed lines is over the ${max}-line limit for automatic review`);
  for (const f of files) {
    if (f.binary && !isAssetPath(f.path)) out.add('architecture', 'unsure/binary', f.path, `unsure: binary file ${f.status} outside assets`);
    if (f.status === 'deleted' && !isTestPath(f.path) && !isDocPath(f.path) && !isAssetPath(f.path)) {
      out.add('architecture', 'unsure/deleted', f.path, 'unsure: file deleted outside tests and docs');
    }
  }
}

/** Classify already-parsed files. `text` is only used to tell "empty" from "unreadable". */
export function classifyFiles(files: readonly DiffFile[], ctx: ReviewContext = {}, text = ''): Decision {
  const out = new ReasonSet();
  for (const file of files) {
    securityReasons(file, out);
    migrationReasons(file, out);
    architectureReasons(file, out);
  }
  projectRules(files, ctx.rules ?? [], out);
  codeownerReasons(files, ctx, out);
  unsureReasons(text, files, ctx, out);
  const reasons = out.list();
  const category = reasons.reduce<Category>((best, r) => (RANK[r.category] > RANK[best] ? r.category : best), 'routine');
  if (ctx.needsReview === true) {
    reasons.push({ category, rule: 'needs-review', file: '(task)', detail: 'the task sets needs_review: true' });
  }
  reasons.sort((a, b) => RANK[b.category] - RANK[a.category]);
  return { category, flagged: category !== 'routine' || ctx.needsReview === true, reasons };
}

/** Classify a unified diff (`git diff --find-renames base..head`). Pure; never throws on odd input. */
export function classifyDiff(diff: string, ctx: ReviewContext = {}): Decision {
  return classifyFiles(parseDiff(diff), ctx, diff);
}

/** Reads the diff through the caller's function (usually git), then classifies it. */
export async function classifyChange(
  readDiff: () => Promise<string>,
  ctx: ReviewContext = {},
): Promise<Decision> {
  return classifyDiff(await readDiff(), ctx);
}

