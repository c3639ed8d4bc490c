import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatTaskId, moduleName } from '../../plans/ids.js';
import { maintenanceKinds } from '../../prompts/index.js';
import { CliError, Exit, projectRoot, type GlobalOptions } from '../context.js';
import { out } from '../io.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
const STATUSES = ['not_started', 'in_progress', 'complete', 'failed', 'needs_review', 'ready'];
/** Commands whose arguments are task ids. */
const TASK_ARGS = new Set(['start', 'stop', 'show', 'logs', 'pause', 'resume', 'merge']);

const SCRIPTS: Record<(typeof SHELLS)[number], string> = {
  bash: `# orch completion for bash: orch completion bash > ~/.local/share/bash-completion/completions/orch
_orch() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local IFS=$'\\n'
  COMPREPLY=( $(compgen -W "$(orch __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)" -- "$cur") )
}
complete -o default -F _orch orch
`,
  zsh: `#compdef orch
# orch completion for zsh: orch completion zsh > "\${fpath[1]}/_orch"
_orch() {
  local -a candidates
  candidates=("\${(@f)$(orch __complete "\${(@)words[2,CURRENT-1]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _orch orch
`,
  fish: `# orch completion for fish: orch completion fish > ~/.config/fish/completions/orch.fish
complete -c orch -f -a '(orch __complete (commandline -opc)[2..-1] 2>/dev/null)'
`,
};

/** Modules and task ids from the plan folder's file names: no daemon is started to complete a word. */
function planIds(root: string): { modules: string[]; tasks: string[] } {
  // A word to complete is no reason to parse TOML: plans_dir is read with a pattern, docs/plans otherwise.
  let plansDir = 'docs/plans';
  try {
    plansDir = /^\s*plans_dir\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, '.orch', 'config.toml'), 'utf8'))?.[1] ?? plansDir;
  } catch {
    // no project config
  }
  const dir = join(root, plansDir);
  const modules: string[] = [];
  const tasks: string[] = [];
  let folders: string[] = [];
  try {
    folders = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch {
    return { modules, tasks };
  }
  for (const f of folders.sort()) {
    const m = moduleName(f);
    let files: string[] = [];
    try {
      files = readdirSync(join(dir, f));
    } catch {
      continue;
    }
    const epics = files.map((n) => /^epic-(\d+)(?:-.*)?\.md$/i.exec(n)).filter((x): x is RegExpExecArray => x !== null);
    if (epics.length === 0) continue;
    modules.push(m);
    for (const e of epics) tasks.push(formatTaskId(m, Number(e[1])));
  }
  return { modules, tasks: [...new Set(tasks)].sort() };
}

export function completion(_globals: () => GlobalOptions, shell: string): void {
  if (!(SHELLS as readonly string[]).includes(shell)) throw new CliError(`unknown shell "${shell}"; use one of: ${SHELLS.join(', ')}`, Exit.input);
  out(SCRIPTS[shell as (typeof SHELLS)[number]]);
}

/** The candidates for the word after `words` (the words typed so far, without `orch`), one a line. */
export function complete(program: Command, words: string[]): void {
  const typed = words.filter((w) => w !== '');
  const rootOpt = typed.indexOf('-C') >= 0 ? typed[typed.indexOf('-C') + 1] : undefined;
  const find = (name: string | undefined): Command | undefined => program.commands.find((c) => c.name() === name && c.name() !== '__complete');
  const cmd = find(typed.find((w, i) => !w.startsWith('-') && typed[i - 1] !== '-C'));
  const prev = typed[typed.length - 1];
  const ids = (): { modules: string[]; tasks: string[] } => {
    try {
      return planIds(projectRoot({ root: rootOpt }));
    } catch {
      return { modules: [], tasks: [] };
    }
  };
  let candidates: string[];
  if (prev === '--module') candidates = ids().modules;
  else if (prev === '--status') candidates = STATUSES;
  else if (!cmd) candidates = program.commands.filter((c) => !c.name().startsWith('_')).map((c) => c.name());
  else {
    const sub = cmd.commands.find((s) => typed.includes(s.name()));
    const leaf = sub ?? cmd;
    const options = leaf.options.filter((o) => !o.hidden).map((o) => o.long ?? '');
    if (cmd.commands.length > 0 && !sub) candidates = cmd.commands.map((s) => s.name());
    else if (leaf.name() === 'completion') candidates = [...SHELLS];
    else if (leaf.name() === 'maintain') candidates = [...maintenanceKinds, ...options];
    else candidates = [...(TASK_ARGS.has(leaf.name()) ? ids().tasks : []), ...options];
  }
  out(`${candidates.filter(Boolean).join('\n')}\n`);
}
