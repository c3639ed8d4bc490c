// Chaos suite, part 1: seeded randomness and the generated plan (issue 5).

/** mulberry32: small, fast, and good enough to pick sleeps and victims reproducibly. */
export function createRng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Integer in [min, max]. */
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[Math.floor(next() * xs.length)]),
  };
}
export type Rng = ReturnType<typeof createRng>;

/** The seed of one round (one fresh project) of a chaos run. */
export const roundSeed = (seed: number, round: number): number => (seed ^ Math.imul(round + 1, 0x9e3779b9)) >>> 0;

export interface PlanTask {
  id: string;
  module: string;
  epic: number;
  dependsOn: string[];
  file: string;
}

const MODULES = ['core', 'api', 'web'] as const;

/** The subject of a task's squash commit on the target (the default commit template over the epic title). */
export const squashSubject = (t: PlanTask): string => `feat(${t.module}): implement E${String(t.epic).padStart(2, '0')} - Task ${t.id}`;

/** A plan of `n` tasks over three modules; each task depends on up to two earlier ones and writes its own files. */
export function generatePlan(rng: Rng, n: number): { files: Record<string, string>; tasks: PlanTask[] } {
  const tasks: PlanTask[] = [];
  const perModule = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const module = MODULES[i % MODULES.length] ?? 'core';
    const epic = (perModule.get(module) ?? 0) + 1;
    perModule.set(module, epic);
    const id = `${module}/E${String(epic).padStart(2, '0')}`;
    const deps = new Set<string>();
    const wanted = i === 0 ? 0 : rng.int(0, 2);
    for (let k = 0; k < wanted; k++) {
      const d = tasks[rng.int(Math.max(0, i - 5), i - 1)];
      if (d) deps.add(d.id);
    }
    tasks.push({ id, module, epic, dependsOn: [...deps], file: `${module}-module/epic-${String(epic).padStart(2, '0')}-t${i}.md` });
  }
  const files: Record<string, string> = {};
  let readme = '# Plan\n';
  for (const m of MODULES) {
    files[`docs/plans/${m}-module/00-overview.md`] = `# ${m}\n\nThe ${m} module.\n`;
    readme += `\n## ${m[0]?.toUpperCase()}${m.slice(1)}\n\n| Epic | Title | Status |\n|---|---|---|\n`;
    for (const t of tasks.filter((x) => x.module === m)) {
      const e = `E${String(t.epic).padStart(2, '0')}`;
      readme += `| [${e}](${t.file}) | Task ${t.id} | 🔴 |\n`;
      const slow = rng.int(200, 1500);
      // Plain data files: paths the review rules would send to a human (core/, entry points, exports) are avoided.
      const blocks = [
        [`work/${t.module}-${e.toLowerCase()}.txt`, `value ${rng.int(0, 1_000_000)}`],
        [`notes/${t.module}-${e.toLowerCase()}.md`, `chaos ${t.id}`],
      ]
        .map(([p, c]) => '```file:' + p + '\n' + c + '\n```')
        .join('\n\n');
      const front = t.dependsOn.length ? `---\ndepends_on: [${t.dependsOn.join(', ')}]\n---\n` : '';
      files[`docs/plans/${t.file}`] = `${front}# Task ${t.id}\n\nchaos-task: ${t.id} [[fake:slow=${slow}]]\n\n## Deliverables\n\n${blocks}\n`;
    }
  }
  files['docs/plans/README.md'] = readme;
  return { files, tasks };
}
