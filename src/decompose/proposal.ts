import { posix } from 'node:path';
import { moduleName } from '../plans/index.js';

export interface ProposedFile {
  path: string;
  content: string;
}

const MAX_FILES = 200;
const MAX_BYTES = 200_000;

/**
 * The files of a planner's answer: each starts at a line ```file:PATH and ends at the last ``` line before the next
 * such line (an epic may hold code blocks of its own). The planner's text is untrusted: every path must be a
 * markdown file inside the plans folder (inside the module's folder with --module); anything else is a problem
 * sent back to it, never written.
 */
export function parseProposal(text: string, plansDir: string, module?: string): { files: ProposedFile[]; problems: string[] } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const starts = lines.flatMap((l, i) => (/^```file:\S/.test(l) ? [i] : []));
  const files: ProposedFile[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  starts.forEach((start, n) => {
    const end = n + 1 < starts.length ? starts[n + 1]! : lines.length;
    const raw = lines[start]!.slice('```file:'.length).trim();
    let close = end - 1;
    while (close > start && lines[close]!.trim() !== '```') close--;
    if (close === start) return void problems.push(`the block of ${raw} has no closing \`\`\` line`);
    const path = checkPath(raw, plansDir, module, problems);
    if (!path) return;
    if (seen.has(path)) return void problems.push(`${path} is proposed twice; give each file once`);
    seen.add(path);
    const content = `${lines.slice(start + 1, close).join('\n').replace(/\s+$/, '')}\n`;
    if (Buffer.byteLength(content) > MAX_BYTES) return void problems.push(`${path} is over ${MAX_BYTES} bytes; split it into smaller epics`);
    files.push({ path, content });
  });
  if (starts.length === 0) problems.push('the answer holds no ```file:PATH block; write every file of the plan as one');
  if (files.length > MAX_FILES) problems.push(`${files.length} files is more than ${MAX_FILES}; propose fewer, larger epics`);
  return { files: files.slice(0, MAX_FILES), problems };
}

function checkPath(raw: string, plansDir: string, module: string | undefined, problems: string[]): string | undefined {
  const path = posix.normalize(raw.replaceAll('\\', '/'));
  const inside = path.startsWith(`${plansDir}/`) && !path.startsWith('/') && !path.split('/').some((s) => s === '..' || s.startsWith('.'));
  if (!inside || !path.endsWith('.md')) {
    problems.push(`${raw} is not a markdown file inside ${plansDir}/; write only ${plansDir}/<module>/00-overview.md and ${plansDir}/<module>/epic-NN-<slug>.md files`);
    return undefined;
  }
  const rest = path.slice(plansDir.length + 1).split('/');
  if (rest.length > 2) {
    problems.push(`${path} is nested too deep; a module is one folder directly in ${plansDir}/`);
    return undefined;
  }
  if (module && rest.length === 2 && moduleName(rest[0]!).toLowerCase() !== module.toLowerCase()) {
    problems.push(`${path} is outside module ${module}; with --module ${module} write only into ${plansDir}/${module}/`);
    return undefined;
  }
  return path;
}

/** `Billing & invoices` -> `billing-invoices`: a branch-safe slug, at most 40 characters. */
export function slugOf(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'plan';
}
