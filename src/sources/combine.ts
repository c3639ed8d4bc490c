import { findCycles, formatCycle } from '../graph/index.js';
import type { ModuleInfo, PlanIssue, PlanTask } from '../plans/index.js';
import type { PlanSource, SourceRead } from './types.js';

/**
 * Reads every source and checks the union: ids unique across sources and owned by the source that produced them,
 * every dependency known, no cycle through several sources. A source that cannot be read is an error, so a sync
 * never removes the tasks of a tracker that was merely unreachable.
 */
export async function readSources(sources: readonly PlanSource[], signal?: AbortSignal): Promise<SourceRead> {
  const reads = await readEach(sources, signal);
  // PERF: every source answered with what it answered last time (the markdown reader hands back its last plan when
  // no file changed): the union is the one made last time, not checked again (ids, dependencies, cycles over
  // 2,000 tasks), and the same tasks array lets the store see that nothing changed (issue 12).
  const parts = reads.map((r) => r.read);
  const last = combined.get(sources);
  if (last && parts.every((p, i) => p !== undefined && samePart(p, last.parts[i]))) return last.value;
  const value = combine(sources, reads);
  if (parts.every((p) => p !== undefined)) combined.set(sources, { parts: parts as SourceRead[], value });
  return value;
}

/** The last union of each list of sources (the engine keeps one list for its life). */
const combined = new WeakMap<readonly PlanSource[], { parts: SourceRead[]; value: SourceRead }>();
const samePart = (a: SourceRead, b: SourceRead | undefined): boolean => b !== undefined && a.tasks === b.tasks && a.issues === b.issues && a.modules === b.modules;

function readEach(sources: readonly PlanSource[], signal?: AbortSignal): Promise<Array<{ source: PlanSource; read?: SourceRead; error?: string }>> {
  return Promise.all(
    sources.map(async (s): Promise<{ source: PlanSource; read?: SourceRead; error?: string }> => {
      try {
        return { source: s, read: await s.read(signal) };
      } catch (e) {
        return { source: s, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}

function combine(sources: readonly PlanSource[], reads: Array<{ source: PlanSource; read?: SourceRead; error?: string }>): SourceRead {
  const tasks: PlanTask[] = [];
  const issues: PlanIssue[] = [];
  const modules: ModuleInfo[] = [];
  const byId = new Map<string, { task: PlanTask; source: PlanSource }>();
  for (const { source, read, error } of reads) {
    if (!read) {
      issues.push({
        severity: 'error',
        code: 'source_error',
        file: source.label,
        line: 0,
        message: `cannot read ${source.label}: ${error ?? 'unknown error'}`,
        fix: `fix the cause above or remove [sources.${source.kind}] from .orch/config.toml; nothing was synced`,
      });
      continue;
    }
    issues.push(...read.issues);
    modules.push(...read.modules);
    for (const task of read.tasks) {
      const owners = sources.filter((s) => s.owns(task.id));
      const first = byId.get(task.id);
      if (first || owners.length !== 1 || owners[0] !== source) {
        const other = first?.source ?? owners.find((s) => s !== source);
        issues.push({
          severity: 'error',
          code: 'duplicate_id',
          file: task.file || source.label,
          line: 1,
          message: `task id ${task.id} from ${source.label} ${other ? `is also claimed by ${other.label}` : 'is outside its namespace'}`,
          fix: 'ids are namespaced per source (<module>/E<NN>, gh/<n>, <beads-prefix>-<hash>, backlog/task-<n>); rename the task or disable one source',
        });
        continue;
      }
      byId.set(task.id, { task, source });
      tasks.push(task);
    }
  }
  for (const { task, source } of byId.values()) {
    for (const dep of task.dependsOn) {
      if (byId.has(dep)) continue;
      // Each source reports its own unknown dependencies; this catches those that point into another source.
      if (source.owns(dep)) continue;
      issues.push({
        severity: 'error',
        code: 'unknown_dependency',
        file: task.file || source.label,
        line: task.dependencySources.find((d) => d.id === dep)?.line ?? 1,
        message: `${task.id} depends on ${dep}, which no configured source has`,
        fix: `create ${dep}, configure the source it comes from under [sources], or remove the dependency`,
      });
    }
  }
  for (const cycle of findCycles(tasks)) {
    const named = formatCycle(cycle);
    // The markdown parser names its own cycles with file and line; every other cycle is reported here.
    if (issues.some((i) => i.code === 'cycle' && i.message.endsWith(named))) continue;
    const first = byId.get(cycle[0]!)!;
    issues.push({
      severity: 'error',
      code: 'cycle',
      file: first.task.file || first.source.label,
      line: first.task.dependencySources.find((d) => d.id === cycle[1 % cycle.length])?.line ?? 1,
      message: `dependency cycle: ${named}`,
      fix: `remove one of the dependencies in the cycle (${cycle.map((id) => `${id} in ${byId.get(id)?.source.label ?? '?'}`).join(', ')})`,
    });
  }
  return { tasks, issues, modules };
}
