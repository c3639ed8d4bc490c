import type { AgentBackend } from '../agents/index.js';

/** What the engine needs from git, bound to one repository. Every call is idempotent and safe to repeat. */
export interface RepoPort {
  readonly root: string;
  revParse(ref: string): Promise<string | undefined>;
  branchExists(name: string): Promise<boolean>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  ensureWorktree(opts: { path: string; branch: string; base: string }): Promise<void>;
  worktreeExists(path: string): Promise<boolean>;
  commitAll(path: string, message: string): Promise<{ committed: boolean; sha: string }>;
  squashMerge(opts: {
    target: string;
    source: string;
    message: string;
    extraFiles?: Array<{ path: string; content: string }>;
    trailers?: Record<string, string>;
  }): Promise<{ ok: true; commit: string; empty?: boolean } | { ok: false; conflicts: string[]; message: string }>;
  commitFilesOnto(opts: { target: string; files: Array<{ path: string; content: string }>; message: string }): Promise<string>;
  advanceBranch(opts: { branch: string; from: string; to: string }): Promise<
    { ok: true; how: string } | { ok: false; reason: 'moved' | 'dirty' | 'not-fast-forward'; detail: string }
  >;
  findTrailer(branch: string, key: string, value: string): Promise<string | undefined>;
  readFileAt(ref: string, path: string): Promise<string | undefined>;
  saveRef(ref: string, sha: string): Promise<void>;
  removeWorktree(path: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  deleteBranch(name: string): Promise<void>;
  clearStaleLocks(): Promise<void>;
}

export interface ProcessPort {
  isAlive(pid: number): boolean;
  isOurs(pid: number, runId: string): Promise<boolean>;
  killGroup(pgid: number, graceMs: number): Promise<void>;
}

export type BackendFor = (agent: string | null) => AgentBackend;

export const RUN_ENV_KEY = 'ORCH_RUN_ID';
