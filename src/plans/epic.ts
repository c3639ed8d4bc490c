import { readEpicMeta } from './fields.js';
import type { EpicMeta } from './fields.js';
import { parseFrontmatterYaml, splitFrontmatter } from './frontmatter.js';
import type { TaskRef } from './ids.js';
import { markerStatus, readMarker } from './marker.js';
import { codeLines, findDescription, findTitle, splitLines } from './markdown.js';
import { proseDependencies } from './prose.js';
import type { ProseRef } from './prose.js';
import type { PlanIssue, PlanStatus } from './types.js';

/** An epic file read on its own, before ids across the plan are known. */
export interface EpicDraft {
  file: string;
  title?: string;
  description: string;
  body: string;
  meta: EpicMeta;
  prose: ProseRef[];
  marker?: Record<string, string>;
  markerStatus?: PlanStatus;
  issues: PlanIssue[];
}

export type { ProseRef, TaskRef };

/** Parses one epic file. Never throws on content: every problem is an issue. */
export function parseEpic(content: string, file: string): EpicDraft {
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  const issues: PlanIssue[] = [];
  const split = splitFrontmatter(text);
  let meta: EpicMeta = { dependsOn: [], touches: [], conflictsWith: [], deliverables: [] };

  if (split.kind === 'unterminated') {
    issues.push({
      severity: 'error',
      code: 'bad_frontmatter',
      file,
      line: 1,
      message: 'frontmatter opened with `---` on line 1 is never closed',
      fix: 'add a line containing only `---` after the last frontmatter key, or delete line 1 if it is not frontmatter',
    });
  } else if (split.kind === 'block') {
    const parsed = parseFrontmatterYaml(split.yaml, split.yamlLine);
    if (!parsed.ok) {
      issues.push({
        severity: 'error',
        code: 'bad_frontmatter',
        file,
        line: parsed.line,
        message: parsed.limit ? `${parsed.message}, so it is not parsed` : `frontmatter is not valid YAML: ${parsed.message}`,
        fix: parsed.limit
          ? 'keep frontmatter to a few `key: value` lines and short lists; move long text into the epic body'
          : (parsed.fix ?? 'fix the YAML between the `---` lines (quote values that contain `:` or `#`, indent list items evenly)'),
      });
    } else {
      const read = readEpicMeta(parsed.data, parsed.lines, file);
      meta = read.meta;
      issues.push(...read.issues);
    }
  }

  const body = split.kind === 'block' ? split.body : text;
  const lines = splitLines(body);
  const code = codeLines(lines);
  const heading = findTitle(lines, code);
  const title = heading?.title ?? meta.title;
  if (title === undefined) {
    issues.push({
      severity: 'error',
      code: 'missing_title',
      file,
      // An empty body after frontmatter starts past the last line.
      line: Math.min(split.bodyLine, splitLines(text).length),
      message: 'the epic has no title',
      fix: 'start the epic with a `# Title` line, or set `title:` in the frontmatter',
    });
  }
  const marker = readMarker(lines);
  const status = markerStatus(marker?.status);
  return {
    file,
    ...(title !== undefined ? { title } : {}),
    description: findDescription(lines, code, heading?.index ?? -1),
    body,
    meta,
    prose: proseDependencies(lines, code, split.bodyLine),
    ...(marker ? { marker } : {}),
    ...(status ? { markerStatus: status } : {}),
    issues,
  };
}
