import { posix } from 'node:path';
import { setEpicMarker, setReadmeStatus, type ModuleInfo, type PlanStatus } from '../plans/index.js';
import type { TaskRow } from '../store/index.js';
import type { RepoPort } from './ports.js';
import type { Mutex } from './mutex.js';
import type { PlanSource } from '../sources/index.js';

export interface WritebackOptions {
  repo: RepoPort;
  plansDir: string;
  readme: boolean;
  epicMarker: boolean;
  modules: () => ModuleInfo[];
  targetMutex: Mutex;
  log: (msg: string) => void;
  /** Sources that keep a task's status in files of the repository (Backlog.md) add those files. */
  sources?: readonly PlanSource[];
}

/** Whether any status file can change for `task`: the markdown plan's marks or its source's own files. */
export function writesStatus(o: Pick<WritebackOptions, 'readme' | 'epicMarker' | 'sources'>, taskId: string, fields: boolean): boolean {
  return o.readme || (o.epicMarker && fields) || !!o.sources?.find((s) => s.owns(taskId))?.statusFiles;
}

/** Paths of the plan folder: edits to them may stay uncommitted in the target's checkout while merges go on. */
export const inPlans = (plansDir: string) => {
  const prefix = `${posix.normalize(plansDir).replace(/\/+$/, '')}/`;
  return (path: string): boolean => path.startsWith(prefix);
};

/** The project's own config, relative to the repository: `orch tui` settings write it in the target's checkout. */
export const PROJECT_CONFIG_PATH = '.orch/config.toml';

/**
 * Uncommitted edits a merge may advance the target's checkout around (when it does not change them): the plan's, and
 * the project config's (a setting changed in `orch tui` must not hold every merge until the user commits it).
 */
export const mayStayDirty = (plansDir: string) => {
  const plans = inPlans(plansDir);
  return (path: string): boolean => plans(path) || path === PROJECT_CONFIG_PATH;
};

export type StatusChange = { status: PlanStatus; note?: string; fields?: Record<string, string> };

/** Plan files as they must read on `ref` after `task` moves to `change`; only files that really change. */
export async function statusFiles(
  o: Pick<WritebackOptions, 'repo' | 'plansDir' | 'readme' | 'epicMarker' | 'modules' | 'sources'>,
  ref: string,
  task: TaskRow,
  change: StatusChange,
): Promise<Array<{ path: string; content: string }>> {
  const files: Array<{ path: string; content: string }> = [];
  if (o.readme) {
    const readmePath = posix.join(o.plansDir, 'README.md');
    const readme = await o.repo.readFileAt(ref, readmePath);
    if (readme !== undefined) {
      const out = setReadmeStatus(readme, o.plansDir, o.modules(), task.id, task.file, change.status, change.note);
      if (out.changed) files.push({ path: readmePath, content: out.text });
    }
  }
  if (o.epicMarker && change.fields) {
    const epic = await o.repo.readFileAt(ref, task.file);
    if (epic !== undefined) {
      const next = setEpicMarker(epic, change.fields);
      if (next !== epic) files.push({ path: task.file, content: next });
    }
  }
  const source = o.sources?.find((s) => s.owns(task.id));
  if (source?.statusFiles) files.push(...(await source.statusFiles(task, change.status, (path) => o.repo.readFileAt(ref, path))));
  return files;
}

/**
 * Commits a status change of the plan onto the target branch without touching any working tree. Best effort: when
 * the user's checkout of the target is dirty it is skipped (the merge commit carries the final mark anyway).
 */
export function createWriteback(o: WritebackOptions) {
  return {
    async commit(target: string, task: TaskRow, change: StatusChange): Promise<{ ok: boolean; detail?: string }> {
      if (!writesStatus(o, task.id, !!change.fields)) return { ok: true };
      return o.targetMutex.run(async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          const tip = await o.repo.revParse(`refs/heads/${target}`);
          if (!tip) return { ok: false, detail: `target branch ${target} not found` };
          const files = await statusFiles(o, tip, task, change);
          if (files.length === 0) return { ok: true };
          const mark = change.status === 'in_progress' ? 'start' : change.status === 'complete' ? 'complete' : 'reset';
          const commit = await o.repo.commitFilesOnto({
            target: tip,
            files,
            message: `chore(plan): ${mark} ${task.id} - ${task.title}${change.note ? `\n\n${change.note}` : ''}`,
          });
          const moved = await o.repo.advanceBranch({ branch: target, from: tip, to: commit, mayBeDirty: mayStayDirty(o.plansDir) });
          if (moved.ok) return { ok: true };
          if (moved.reason !== 'moved') {
            o.log(`plan status for ${task.id} not written to ${target}: ${moved.detail}`);
            return { ok: false, detail: moved.detail };
          }
        }
        return { ok: false, detail: `${target} kept moving` };
      });
    },
  };
}

export type Writeback = ReturnType<typeof createWriteback>;
