import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Generates a large, valid markdown plan for benchmarks: `docs/plans/<m>-module/epic-NN-<slug>.md`, a
 * `00-overview.md` per module, and a plan README with one status table per module. Deterministic for a seed.
 * Every dependency points at a lower-numbered epic of the same module or at a lower-numbered module, so the
 * graph has no cycle.
 */
export interface GeneratePlanOptions {
  modules?: number;
  epicsPerModule?: number;
  /** Every Nth epic (counted within a module) names a dependency on a lower-numbered module in prose. 0 = none. */
  crossDepsEvery?: number;
  /** Every Nth epic has YAML frontmatter (priority, depends_on). 0 = none. */
  frontmatterEvery?: number;
  seed?: number;
}

export interface GeneratedPlan {
  /** Absolute path of `docs/plans`. */
  plansDir: string;
  /** Module names (folder name without `-module`), lowest-numbered first. */
  modules: string[];
  tasks: number;
  /** Markdown files written, README and overviews included. */
  files: number;
  /** Prose cross-module dependencies ("Requires billing/E01"). */
  proseDeps: number;
  /** Dependencies declared in frontmatter `depends_on`. */
  frontmatterDeps: number;
  /** Epics with frontmatter `priority: high`. */
  highPriority: number;
}

const MODULE_WORDS = [
  'billing', 'pricing', 'inventory', 'shipping', 'catalog', 'accounts', 'payroll', 'ledger', 'reporting', 'search',
  'auth', 'orders', 'returns', 'invoicing', 'tax', 'crm', 'marketing', 'support', 'analytics', 'warehouse',
  'procurement', 'vendors', 'contracts', 'assets', 'budget', 'forecast', 'audit', 'compliance', 'hr', 'recruiting',
  'training', 'scheduling', 'projects', 'timesheets', 'expenses', 'treasury', 'banking', 'loyalty', 'coupons', 'reviews',
  'messaging', 'notifications', 'documents', 'workflow', 'approvals', 'integrations', 'webhooks', 'exports', 'imports', 'admin',
];
const NOUNS = ['invoice', 'ledger', 'report', 'export', 'customer', 'price list', 'discount', 'payment', 'refund', 'webhook',
  'dashboard', 'audit log', 'schema', 'importer', 'queue', 'cache', 'search index', 'permission', 'template', 'batch job'];
const VERBS = ['Add', 'Build', 'Refactor', 'Validate', 'Migrate', 'Expose', 'Harden', 'Document', 'Speed up', 'Test'];
const QUALIFIERS = ['API', 'storage', 'UI', 'pipeline', 'rules', 'endpoint', 'model', 'sync', 'retry logic', 'limits'];

export async function generatePlan(dir: string, options: GeneratePlanOptions = {}): Promise<GeneratedPlan> {
  const { modules = 50, epicsPerModule = 100, crossDepsEvery = 10, frontmatterEvery = 7, seed = 1 } = options;
  for (const [name, v] of Object.entries({ modules, epicsPerModule, crossDepsEvery, frontmatterEvery })) {
    if (!Number.isInteger(v) || v < (name === 'modules' || name === 'epicsPerModule' ? 1 : 0)) {
      throw new Error(`generatePlan: ${name} must be a ${name.endsWith('Every') ? 'non-negative' : 'positive'} integer, got ${v}`);
    }
  }
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const plansDir = path.resolve(dir, 'docs', 'plans');
  const names = moduleNames(modules);
  const result: GeneratedPlan = { plansDir, modules: names, tasks: 0, files: 0, proseDeps: 0, frontmatterDeps: 0, highPriority: 0 };
  const readme: string[] = ['# Plan', '', 'Status: 🔴 not started, 🟡 in progress, 🟢 complete.', ''];

  for (const [m, name] of names.entries()) {
    const folder = `${name}-module`;
    const moduleDir = path.join(plansDir, folder);
    await mkdir(moduleDir, { recursive: true });
    const files: Array<[string, string]> = [['00-overview.md', overview(name, epicsPerModule)]];
    readme.push(`## ${heading(name)}`, '', '| Epic | Title | Status |', '|------|-------|--------|');

    for (let e = 1; e <= epicsPerModule; e++) {
      const title = `${pick(VERBS)} ${pick(NOUNS)} ${pick(QUALIFIERS)}`;
      const file = `epic-${epicId(e)}-${slug(title)}.md`;
      const lines: string[] = [];

      if (frontmatterEvery > 0 && e % frontmatterEvery === 0) {
        const priority = pick(['high', 'medium', 'low'] as const);
        if (priority === 'high') result.highPriority++;
        const deps: string[] = [];
        if (e > 2) deps.push(`${name}/E${epicId(e - 2)}`);
        if (m > 0 && rand() < 0.5) deps.push(`${names[Math.floor(rand() * m)]}/E${epicId(1 + Math.floor(rand() * epicsPerModule))}`);
        result.frontmatterDeps += deps.length;
        lines.push('---', `priority: ${priority}`);
        if (deps.length > 0) lines.push('depends_on:', ...deps.map((d) => `  - ${d}`));
        lines.push('---', '');
      }

      lines.push(
        `# ${title}`,
        '',
        `${title} for the ${name} module, so that the rest of the ${name} work can build on it. ` +
          `Keep the change small and covered by tests.`,
        '',
        '## Acceptance criteria',
        '',
        `- The ${pick(NOUNS)} behaves as described above.`,
        '- Unit tests cover the new behaviour.',
        '',
      );

      if (crossDepsEvery > 0 && m > 0 && e % crossDepsEvery === 0) {
        const target = names[Math.floor(rand() * m)] ?? names[0];
        const epic = epicId(1 + Math.floor(rand() * epicsPerModule));
        const phrasing = [`Requires ${target}/E${epic}.`, `Depends on ${target} E${epic}.`, `After ${target}/E${epic}.`];
        lines.push('## Dependencies', '', phrasing[e % phrasing.length] ?? phrasing[0] ?? '', '');
        result.proseDeps++;
      }

      files.push([file, lines.join('\n')]);
      readme.push(`| [E${epicId(e)}](${folder}/${file}) | ${title} | 🔴 |`);
      result.tasks++;
    }
    readme.push('');
    await Promise.all(files.map(([f, text]) => writeFile(path.join(moduleDir, f), text)));
    result.files += files.length;
  }

  await writeFile(path.join(plansDir, 'README.md'), readme.join('\n'));
  result.files++;
  return result;
}

function moduleNames(count: number): string[] {
  const n = MODULE_WORDS.length;
  // Letters only, unique: the word list first, then pairs of words.
  return Array.from({ length: count }, (_, i) => {
    const first = MODULE_WORDS[i % n] ?? 'module';
    return i < n ? first : `${first}${MODULE_WORDS[Math.floor(i / n) - 1] ?? ''}`;
  });
}

function epicId(n: number): string {
  return String(n).padStart(2, '0');
}

function heading(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function overview(name: string, epics: number): string {
  return [
    `# ${heading(name)} module`,
    '',
    `Everything about ${name}: ${epics} epics, built in order. Follow the conventions of the existing code, ` +
      'keep public APIs stable and write tests next to the code.',
    '',
  ].join('\n');
}

/** Small seeded PRNG so a plan is the same for the same seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const [dir, modules, epics] = process.argv.slice(2);
  if (dir === undefined) {
    process.stderr.write('usage: node dist/bench/gen-plan.js DIR [MODULES] [EPICS_PER_MODULE]\n');
    process.exitCode = 2;
  } else {
    const opts: GeneratePlanOptions = {};
    if (modules !== undefined) opts.modules = Number(modules);
    if (epics !== undefined) opts.epicsPerModule = Number(epics);
    const plan = await generatePlan(dir, opts);
    process.stdout.write(`${JSON.stringify({ ...plan, modules: plan.modules.length })}\n`);
  }
}
