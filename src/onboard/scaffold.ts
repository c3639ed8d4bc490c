import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

export const SAMPLE_MODULE = 'getting-started';

/** The starter plan: a module overview, one small sample epic and the README status table that tracks it. */
export function samplePlanFiles(plansDir: string): Record<string, string> {
  const dir = posix.join(plansDir, SAMPLE_MODULE);
  return {
    [posix.join(plansDir, 'README.md')]: `# Plan

Each module is a folder here; each epic is a file \`epic-NN-<slug>.md\` in it. Orch turns every epic into a task
\`<module>/E<NN>\`, runs the ones whose dependencies are merged, and keeps this table up to date
(🔴 not started, 🟡 in progress, 🟢 complete).

| Task | Title | Status |
|---|---|---|
| ${SAMPLE_MODULE}/E01 | Describe how this project works with Orch | 🔴 |
`,
    [posix.join(dir, '00-overview.md')]: `# Getting started

This module holds the first piece of work Orch does in this repository. Its overview (this file) is given to
every agent working on an epic of the module as context: say here what the module is for, which folders it owns
and the conventions to follow.
`,
    [posix.join(dir, 'epic-01-orch-notes.md')]: `---
priority: high
touches:
  - docs/ORCH.md
---
# Describe how this project works with Orch

Write a short page for the people on this project saying how work reaches Orch: where the plan lives
(${plansDir}), how an epic file is written (a \`# Title\`, a first paragraph that says what and why, optional
frontmatter with \`depends_on\`, \`touches\` and \`priority\`), and that \`orch start\` runs what is ready.

## Deliverables

- \`docs/ORCH.md\`: the page, under 60 lines.

## Acceptance criteria

- docs/ORCH.md exists and names the plan folder.
`,
  };
}

/** Writes the files that do not exist yet; returns the repo-relative paths written. Never overwrites. */
export async function writeFilesIfMissing(root: string, files: Record<string, string>): Promise<string[]> {
  const written: string[] = [];
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (existsSync(full)) continue;
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content, { flag: 'wx' });
    written.push(path);
  }
  return written;
}
