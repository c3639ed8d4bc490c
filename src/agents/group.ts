import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 50;

/** `state`, `pgrp` from /proc/<pid>/stat; undefined when unreadable (gone, or no /proc). */
const procStat = (pid: number): { state: string; pgrp: number } | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
};

const signalError = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/** True while the process exists and is not a zombie (an unreaped orphan must not look alive). */
export const isAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return signalError(err) === 'EPERM';
  }
  const stat = procStat(pid);
  return stat === undefined ? true : stat.state !== 'Z' && stat.state !== 'X';
};

/** Live (non-zombie) members of a process group. Falls back to a signal-0 probe where /proc is missing. */
export const groupMembers = (pgid: number): number[] => {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch (err) {
      return signalError(err) === 'EPERM' ? [pgid] : [];
    }
  }
  const members: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(Number(name));
  }
  return members;
};

const assertGroupId = (pgid: number): void => {
  // kill(-0) and kill(-1) would signal our own group or every process we may signal.
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`Refusing to signal process group ${pgid}: not a valid agent group id`);
};

const signalGroup = (pgid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if (signalError(err) !== 'ESRCH') throw err;
  }
};

const waitGone = async (pgid: number, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms;
  for (;;) {
    if (groupMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
};

export interface KillGroupResult {
  /** Some member was alive when called. */
  wasAlive: boolean;
  /** SIGKILL was needed. */
  forced: boolean;
  /** Every member is gone. */
  gone: boolean;
}

/**
 * SIGTERM to the whole group, then SIGKILL after `graceMs` if anything remains. Usable on a group recorded
 * by an earlier daemon (check `isOurProcess` first: pids are reused).
 */
export const killGroup = async (pgid: number, graceMs = 3000): Promise<KillGroupResult> => {
  assertGroupId(pgid);
  if (groupMembers(pgid).length === 0) return { wasAlive: false, forced: false, gone: true };
  signalGroup(pgid, 'SIGTERM');
  if (await waitGone(pgid, graceMs)) return { wasAlive: true, forced: false, gone: true };
  signalGroup(pgid, 'SIGKILL');
  return { wasAlive: true, forced: true, gone: await waitGone(pgid, 1000) };
};

export interface ProcessMarker {
  envKey: string;
  envValue: string;
}

/** Whether `pid` carries `envKey=envValue` in its environment (false when unreadable or not matching). */
export const isOurProcess = async (pid: number, marker: ProcessMarker): Promise<boolean> => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    return environ.split('\0').includes(`${marker.envKey}=${marker.envValue}`);
  } catch {
    return false;
  }
};
