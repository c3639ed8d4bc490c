import { loadTemplate, maintenanceKinds, renderTemplate } from '../prompts/index.js';
import type { ModuleInfo } from '../plans/index.js';
import type { MaintenanceTask } from '../store/index.js';
import type { TemplateDirs } from './prompt.js';
import { RequestError } from './scheduler.js';

/** The conventional-commit type of each maintenance kind's squash commit. */
const COMMIT_TYPE: Record<string, string> = { refactor: 'refactor', cleanup: 'chore', optimize: 'perf', docs: 'docs', tests: 'test', security: 'fix', lint: 'style' };

/** `maintenance/<kind>` for the whole repository, `maintenance/<kind>-<module>` for one module. */
export const maintenanceId = (kind: string, module?: string): string => `maintenance/${kind}${module ? `-${module}` : ''}`;

/**
 * The task `orch maintain <kind> [--module M]` runs (A3): the `maintenance/<kind>` template (overridable like
 * every template) rendered now, so a template error is reported to the user instead of failing a run later.
 */
export function maintenanceTask(
  req: { kind: string; module?: string | undefined },
  o: { modules: ModuleInfo[]; dirs: TemplateDirs; targetBranch: string },
): MaintenanceTask {
  if (!maintenanceKinds.includes(req.kind)) {
    throw new RequestError('unknown_kind', `unknown maintenance kind "${req.kind}"; use one of: ${maintenanceKinds.join(', ')}`, 400);
  }
  const mod = req.module === undefined ? undefined : o.modules.find((m) => m.name === req.module);
  if (req.module !== undefined && !mod) {
    const names = o.modules.map((m) => m.name).join(', ');
    throw new RequestError('unknown_module', `unknown module "${req.module}"; modules in the plan: ${names || '(none: run orch sync)'}; leave out --module for the whole repository`, 404);
  }
  const scope = mod ? `the ${mod.name} module` : 'the whole repository';
  const context = mod?.overview?.trim() ? `\n\n## Module context (${mod.name})\n\n${mod.overview.trim()}\n` : '';
  let body: string;
  try {
    body = renderTemplate(loadTemplate(`maintenance/${req.kind}`, o.dirs), { kind: req.kind, scope, module: mod?.name ?? '', target_branch: o.targetBranch }) + context;
  } catch (e) {
    throw new RequestError('bad_template', (e as Error).message, 400);
  }
  return {
    id: maintenanceId(req.kind, mod?.name),
    module: mod?.name ?? 'maintenance',
    title: `${req.kind} maintenance of ${scope}`,
    description: body.split('\n').find((l) => l.trim() && !l.startsWith('Maintenance task'))?.trim() ?? '',
    body,
    touches: [],
  };
}

/** `refactor(billing): refactor maintenance of the billing module`; no scope for the whole repository. */
export function maintenanceCommitMessage(task: { id: string; title: string }): string {
  const m = /^maintenance\/([a-z]+)(?:-(.+))?$/.exec(task.id);
  const type = COMMIT_TYPE[m?.[1] ?? ''] ?? 'chore';
  return `${type}${m?.[2] ? `(${m[2]})` : ''}: ${task.title}`;
}
