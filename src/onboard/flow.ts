import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { keysNeedingTrust, loadConfig, trust, trustState, type Config } from '../config/index.js';
import { parse as parseToml } from 'smol-toml';
import { createGit, identityEnv, ORCH_IDENTITY } from '../git/index.js';
import type { OrchPaths } from '../paths/index.js';
import { parsePlan } from '../plans/index.js';
import { findings, inspect, type Facts, type Finding } from './inspect.js';
import type { Prompter } from './prompt.js';
import { samplePlanFiles, writeFilesIfMissing } from './scaffold.js';
import { addMissingKeys, lineDiff, type ConfigEntry } from './toml-edit.js';

export interface OnboardOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  paths: OrchPaths;
  prompter: Prompter;
  /** Preset answers from flags; each becomes the question's default. */
  agent?: string;
  forge?: 'local' | 'github';
  scope?: 'project' | 'user';
  /** A tracker to take tasks from as well: written as its `[sources.<kind>]` table. */
  source?: 'github' | 'beads' | 'backlog';
  sample?: boolean;
  commit?: boolean;
}

export interface OnboardResult {
  ok: boolean;
  root?: string;
  findings: Finding[];
  config: { file?: string; added: ConfigEntry[]; written: boolean };
  planFiles: string[];
  commit?: string;
  /** Why the flow stopped early, with what to do. */
  problem?: string;
}

/**
 * The onboarding flow (U5): look, ask, show the config diff, write only what the person accepts, create a
 * starter plan when there is none, commit what it created. Re-running changes nothing already set.
 */
export async function onboard(o: OnboardOptions): Promise<OnboardResult> {
  const p = o.prompter;
  const facts = await inspect(o.cwd, o.env);
  const found = findings(facts);
  p.note(found.map(formatFinding).join('\n'));
  const result: OnboardResult = { ok: false, findings: found, config: { added: [], written: false }, planFiles: [] };
  if (!facts.gitVersion) return { ...result, problem: 'git is not installed: install git 2.38 or newer, then run orch onboard again' };

  let root = facts.root;
  if (!root) {
    const init = await p.ask({ kind: 'confirm', id: 'git-init', message: `Initialize a git repository in ${o.cwd}?`, default: true });
    if (!init) return { ...result, problem: `${o.cwd} is not a git repository: run orch onboard in your checkout` };
    const r = await createGit().run(['init', '-q', '-b', 'main'], { cwd: o.cwd });
    if (r.exitCode !== 0) return { ...result, problem: `git init failed: ${r.stderr.trim()}` };
    root = o.cwd;
  }
  result.root = root;

  const agent = await p.ask({
    kind: 'select',
    id: 'agent',
    message: 'Which coding agent should work on tasks?',
    choices: agentChoices(facts),
    default: o.agent ?? facts.agents.find((a) => a.found && a.support?.status !== 'unsupported')?.backend ?? facts.agents.find((a) => a.found)?.backend ?? 'claude',
  });
  const github = facts.remote?.github !== undefined;
  const forge = await p.ask({
    kind: 'select',
    id: 'forge',
    message: 'Where should finished work go?',
    choices: [
      { value: 'local', label: 'merge locally into the target branch', hint: 'no forge' },
      { value: 'github', label: 'pull requests on GitHub', hint: github ? `${facts.remote?.github?.owner}/${facts.remote?.github?.repo}` : 'no GitHub remote found' },
    ],
    default: o.forge ?? (github && facts.token?.ok ? 'github' : 'local'),
  });
  const scope = await p.ask({
    kind: 'select',
    id: 'scope',
    message: 'Where should these settings be written?',
    choices: [
      { value: 'project', label: 'this project', hint: relative(root, o.paths.project(root).projectConfigFile) },
      { value: 'user', label: 'every project of this user', hint: o.paths.userConfigFile },
    ],
    default: o.scope ?? 'project',
  });

  const file = scope === 'user' ? o.paths.userConfigFile : o.paths.project(root).projectConfigFile;
  result.config.file = file;
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const entries: ConfigEntry[] = [{ table: 'agent', key: 'backend', value: agent }];
  if (scope === 'project') {
    entries.push({ table: 'forge', key: 'kind', value: forge }, ...commandEntries(root));
    if (o.source) entries.push(SOURCE_ENTRY[o.source]);
  }
  const edit = addMissingKeys(before, entries);
  result.config.added = edit.added;
  if (edit.added.length === 0) p.note(`${file}: already set up, nothing to change`);
  else {
    p.note(`${file}${before === '' ? ' (new file)' : ''}:\n${lineDiff(before, edit.text)}`);
    if (await p.ask({ kind: 'confirm', id: 'write-config', message: `Write these changes to ${file}?`, default: true })) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, edit.text);
      result.config.written = true;
      // The person accepted this diff, so the keys onboard wrote (a source's command) are theirs: trusted, unless the
      // file already held keys needing trust that they had not trusted (those stay for `orch trust`).
      if (scope === 'project') {
        const needs = (text: string): boolean => text.trim() !== '' && keysNeedingTrust(parseToml(text) as Record<string, unknown>).length > 0;
        const beforeOk = !needs(before) || trustState(o.paths.configDir, file, before) === 'trusted';
        if (beforeOk && needs(edit.text)) {
          trust(o.paths.configDir, file, edit.text);
          p.note(`trusted ${file} as written (orch trust --revoke undoes it)`);
        }
      }
    }
  }

  const loaded = loadConfig({ paths: o.paths, root });
  if (!loaded.ok) return { ...result, problem: loaded.error.message };
  const created: string[] = result.config.written && scope === 'project' ? [relative(root, file)] : [];
  created.push(...(await offerPlan(root, loaded.config, p, o.sample)));
  result.planFiles = created.filter((f) => !f.startsWith('.orch'));

  if (created.length > 0) {
    const commit = await p.ask({ kind: 'confirm', id: 'commit', message: `Commit ${created.join(', ')}?`, default: o.commit ?? true });
    if (commit) {
      const committed = await commitFiles(root, created, o.env);
      if (!committed.ok) return { ...result, problem: committed.error };
      result.commit = committed.sha;
    }
  }
  return { ...result, ok: true };
}

const SOURCE_ENTRY: Record<NonNullable<OnboardOptions['source']>, ConfigEntry> = {
  github: { table: 'sources.github', key: 'label', value: 'orch' },
  beads: { table: 'sources.beads', key: 'command', value: 'bd' },
  backlog: { table: 'sources.backlog', key: 'dir', value: 'backlog' },
};

function formatFinding(f: Finding): string {
  const mark = { ok: 'ok  ', warn: 'warn', error: 'FAIL', info: 'info' }[f.level];
  return `${mark} ${f.name}: ${f.detail}${f.fix ? `\n     fix: ${f.fix}` : ''}`;
}

function agentChoices(f: Facts) {
  return [...f.agents]
    .sort((a, b) => Number(b.found) - Number(a.found))
    .map((a) => ({ value: a.backend, label: a.label, hint: a.found ? `${a.version ?? 'found'}${a.support?.status === 'unsupported' ? ', unsupported version' : ''}` : 'not installed' }));
}

/** The project's own build, test and lint scripts (package.json), offered to agents as MCP tools. */
function commandEntries(root: string): ConfigEntry[] {
  const file = join(root, 'package.json');
  if (!existsSync(file)) return [];
  let scripts: Record<string, unknown> = {};
  try {
    scripts = ((JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, unknown> }).scripts ?? {});
  } catch {
    return [];
  }
  const out: ConfigEntry[] = [];
  for (const kind of ['build', 'test', 'lint'] as const) {
    const script = scripts[kind];
    if (typeof script !== 'string' || /no test specified/.test(script)) continue;
    out.push({ table: 'commands', key: kind, value: kind === 'test' ? ['npm', 'test'] : ['npm', 'run', kind] });
  }
  return out;
}

/** A starter plan when the plan folder holds no epic; an existing plan is never touched. */
async function offerPlan(root: string, config: Config, p: Prompter, preset: boolean | undefined): Promise<string[]> {
  const plan = await parsePlan(root, { plansDir: config.plans_dir });
  if (plan.tasks.length > 0 || existsSync(join(root, config.plans_dir, 'README.md'))) {
    p.note(`${config.plans_dir}: ${plan.tasks.length} task(s) in ${plan.modules.length} module(s); no sample plan needed`);
    return [];
  }
  const yes = await p.ask({ kind: 'confirm', id: 'sample-plan', message: `Create ${config.plans_dir}/ with a module overview, a sample epic and the README status table?`, default: preset ?? true });
  if (!yes) return [];
  const written = await writeFilesIfMissing(root, samplePlanFiles(config.plans_dir));
  p.note(written.map((f) => `created ${f}`).join('\n'));
  return written;
}

/** The person's commit (their identity from the environment or git config; Orch's when they have none). */
async function commitFiles(root: string, files: string[], env: NodeJS.ProcessEnv): Promise<{ ok: true; sha: string } | { ok: false; error: string }> {
  const git = createGit();
  const add = await git.run(['add', '--', ...files], { cwd: root });
  if (add.exitCode !== 0) return { ok: false, error: `git add failed: ${add.stderr.trim()}` };
  const own: NodeJS.ProcessEnv = {};
  for (const k of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']) if (env[k]) own[k] = env[k];
  const known = (await git.run(['var', 'GIT_COMMITTER_IDENT'], { cwd: root, env: own })).exitCode === 0;
  const identity = known ? own : identityEnv(ORCH_IDENTITY);
  const c = await git.run(['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'chore(orch): onboard this repository (config and starter plan)', '--', ...files], { cwd: root, env: identity });
  if (c.exitCode !== 0) return { ok: false, error: `git commit failed: ${c.stderr.trim() || c.stdout.trim()}; commit ${files.join(', ')} yourself` };
  const sha = await git.run(['rev-parse', 'HEAD'], { cwd: root });
  return { ok: true, sha: sha.stdout.trim() };
}
