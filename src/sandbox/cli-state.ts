/**
 * Claude Code's state file (`~/.claude.json`, or `.claude.json` in `$CLAUDE_CONFIG_DIR`) must stay writable: the CLI
 * records its projects and counters there on every start. It also holds what starts commands in the user's next
 * session, outside any sandbox: user-level MCP servers, and per project its MCP servers, which servers of a project's
 * `.mcp.json` run, the accepted trust dialog and the allowed tools. Those keys are watched across a turn and put back.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { within } from './bwrap.js';

const PROJECT_KEYS = ['mcpServers', 'enabledMcpjsonServers', 'disabledMcpjsonServers', 'enableAllProjectMcpServers', 'hasTrustDialogAccepted', 'allowedTools'] as const;

type View = Map<string, { path: readonly string[]; value: unknown }>;

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An empty list or map, `false` or absent: what a CLI writes for a project it has just met. */
const isDefault = (v: unknown): boolean =>
  v === undefined || v === null || v === false || (Array.isArray(v) && v.length === 0) || (record(v) && Object.keys(v).length === 0);

const readJson = (file: string): Record<string, unknown> | undefined => {
  try {
    const j: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return record(j) ? j : undefined;
  } catch {
    return undefined;
  }
};

/** The command-starting keys, by a printable name; projects under `skip` (Orch's worktrees) are the runs' own. */
const viewOf = (j: Record<string, unknown>, skip: readonly string[]): View => {
  const v: View = new Map();
  if (!isDefault(j.mcpServers)) v.set('mcpServers', { path: ['mcpServers'], value: j.mcpServers });
  for (const [project, entry] of Object.entries(record(j.projects) ? j.projects : {})) {
    if (!record(entry) || skip.some((d) => within(d, project))) continue;
    for (const k of PROJECT_KEYS) if (!isDefault(entry[k])) v.set(`projects[${JSON.stringify(project)}].${k}`, { path: ['projects', project, k], value: entry[k] });
  }
  return v;
};

const setAt = (j: Record<string, unknown>, path: readonly string[], value: unknown): void => {
  let at: Record<string, unknown> = j;
  for (const p of path.slice(0, -1)) {
    if (!record(at[p])) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
};

/**
 * Takes the snapshot of each file now; the returned check puts back every command-starting key the turn changed
 * (the rest of the file, the CLI's own bookkeeping, stays) and says what it found, one line per key.
 */
export const guardCliState = (files: readonly string[], skip: readonly string[]): (() => string[]) => {
  // A file that is there but cannot be read now (mid-write) is not judged: its keys would all look new.
  const before = new Map<string, View>();
  for (const f of files) {
    const j = readJson(f);
    if (j) before.set(f, viewOf(j, skip));
    else if (!existsSync(f)) before.set(f, new Map());
  }
  return () => {
    const found: string[] = [];
    for (const [file, old] of before) {
      const j = readJson(file);
      if (!j) continue;
      const now = viewOf(j, skip);
      const changed = [...new Set([...old.keys(), ...now.keys()])].filter((k) => JSON.stringify(old.get(k)?.value) !== JSON.stringify(now.get(k)?.value));
      if (changed.length === 0) continue;
      for (const k of changed) setAt(j, (now.get(k) ?? old.get(k))!.path, old.get(k)?.value);
      try {
        const tmp = `${file}.orch-${process.pid}`;
        writeFileSync(tmp, `${JSON.stringify(j, null, 2)}\n`, { mode: 0o600 });
        renameSync(tmp, file);
        for (const k of changed) found.push(`${file}: ${k} changed during the agent's turn (it would start a command in your next session of that CLI); Orch put it back`);
      } catch (e) {
        for (const k of changed) found.push(`${file}: ${k} changed during the agent's turn and could not be put back (${(e as Error).message}); check it before running that CLI`);
      }
    }
    return found;
  };
};

/** Claude Code's state files in this environment. */
export const claudeStateFiles = (env: Record<string, string | undefined>): string[] =>
  env.CLAUDE_CONFIG_DIR ? [`${env.CLAUDE_CONFIG_DIR}/.claude.json`] : env.HOME ? [`${env.HOME}/.claude.json`] : [];
