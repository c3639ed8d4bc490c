import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import { hasKey, loadConfig, setTomlKey, userOnly, type Config } from '../config/index.js';
import type { OrchPaths } from '../paths/index.js';

export interface SettingItem {
  /** Dotted key, e.g. `roles.coder`. */
  key: string;
  value: string;
  /** The file it is set in, or where it will be written (the project file when set nowhere; the user's for keys only it may set). */
  file: string;
  /** That file as a person reads it: project-relative, or under `~`. */
  shown: string;
  setIn: 'project' | 'user' | 'default';
  kind: 'number' | 'string';
  help: string;
}

export interface SettingsSource {
  list(): { items: SettingItem[]; error?: string };
  /** Validates with the config schema (same messages as the CLI) and writes; the file is left as it was on error. */
  set(key: string, raw: string): { ok: true; text: string } | { ok: false; text: string };
}

const get = (cfg: unknown, path: string[]): unknown => path.reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], cfg);

function keysOf(cfg: Config): Array<Omit<SettingItem, 'value' | 'file' | 'shown' | 'setIn'>> {
  const keys: Array<Omit<SettingItem, 'value' | 'file' | 'shown' | 'setIn'>> = [
    { key: 'max_parallel_agents', kind: 'number', help: 'how many agents may run at the same time (1 to 64)' },
    { key: 'agent.backend', kind: 'string', help: 'the default agent CLI: claude, codex, gemini, opencode, goose' },
    { key: 'agent.model', kind: 'string', help: 'the default model ("" = the CLI default)' },
  ];
  for (const role of ['coder', 'reviewer', 'tester', 'planner']) keys.push({ key: `roles.${role}`, kind: 'string', help: `agent for the ${role} role ("" = [agent])` });
  for (const name of Object.keys(cfg.agents)) keys.push({ key: `agents.${name}.model`, kind: 'string', help: `model of agent ${name}` });
  keys.push(
    { key: 'budget.task_usd', kind: 'number', help: 'most one task may spend, USD (0 = no limit)' },
    { key: 'budget.task_tokens', kind: 'number', help: 'most tokens one task may use (0 = no limit)' },
    { key: 'budget.batch_usd', kind: 'number', help: 'most one batch may spend, USD (0 = no limit)' },
    { key: 'budget.daily_usd', kind: 'number', help: 'most all runs of a day may spend, USD (0 = no limit)' },
    { key: 'budget.daily_tokens', kind: 'number', help: 'most tokens all runs of a day may use (0 = no limit)' },
    { key: 'notify.quiet_hours', kind: 'string', help: 'hours when notifications are held, "HH:MM-HH:MM" ("" = never)' },
    { key: 'notify.max_per_hour', kind: 'number', help: 'most messages a channel sends in an hour (0 = no limit)' },
  );
  return keys;
}

/** A config file as a person reads it: relative to the project, under `~`, or whole when it is elsewhere. */
export function shownPath(file: string, projectRoot: string, home: string): string {
  const inProject = relative(projectRoot, file);
  if (!inProject.startsWith('..') && !isAbsolute(inProject)) return inProject;
  const inHome = relative(home, file);
  if (home && !inHome.startsWith('..') && !isAbsolute(inHome)) return `~/${inHome}`;
  return file;
}

/** Settings read from and written to the config files (user, project) with comments kept. */
export function createSettings(paths: OrchPaths, root: string, home: string): SettingsSource {
  const project = paths.project(root);
  const files = { user: paths.userConfigFile, project: project.projectConfigFile };
  const shown = { user: `user ${shownPath(files.user, project.root, home)}`, project: `project ${shownPath(files.project, project.root, home)}` };
  const read = (f: string): string => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  const where = (path: string[]): { file: string; shown: string; setIn: SettingItem['setIn'] } => {
    // Keys only the user's own config may set ([notify]) are read from and written to the user's file.
    const scopes = userOnly(path) ? (['user'] as const) : (['project', 'user'] as const);
    for (const scope of scopes) {
      try {
        if (hasKey(read(files[scope]), path)) return { file: files[scope], shown: shown[scope], setIn: scope };
      } catch {
        // An unparsable file: loadConfig reports it with its line.
      }
    }
    const scope = scopes[0];
    return { file: files[scope], shown: `default (${shown[scope]} on edit)`, setIn: 'default' };
  };
  return {
    list() {
      const loaded = loadConfig({ paths, root });
      if (!loaded.ok) return { items: [], error: loaded.error.message };
      return {
        items: keysOf(loaded.config).map((k) => {
          const path = k.key.split('.');
          const v = get(loaded.config, path);
          return { ...k, value: v === undefined ? '' : String(v), ...where(path) };
        }),
      };
    },
    set(key, raw) {
      const path = key.split('.');
      const item = this.list().items.find((i) => i.key === key);
      const { file, shown: at } = where(path);
      const value = item?.kind === 'number' ? Number(raw.trim()) : raw;
      if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, text: `${key} takes a number, got "${raw}"` };
      const existed = existsSync(file);
      const before = read(file);
      let after: string;
      try {
        after = setTomlKey(before, path, value);
      } catch (e) {
        return { ok: false, text: `${at}: ${(e as Error).message}` };
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, after);
      const check = loadConfig({ paths, root });
      if (!check.ok) {
        // Same schema, same message as the CLI; the file goes back to what it was.
        if (existed) writeFileSync(file, before);
        else rmSync(file);
        return { ok: false, text: check.error.message.replace(/\s+/g, ' ') };
      }
      return { ok: true, text: `${key} = ${String(value)} written to ${at.replace(/^default \((.*) on edit\)$/, '$1')}` };
    },
  };
}
