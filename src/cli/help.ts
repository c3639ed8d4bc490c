import type { Command } from 'commander';

/** Exit codes every command shares (README "Exit codes"). */
export const EXIT_CODES_HELP = `Exit codes:
  0    ok
  1    work failed, or (start --wait) not everything merged / something waits for you
  2    bad input: usage, plan, config, unknown task, module or state
  3    the daemon is unavailable (did not start, stopped while waiting)
  130  interrupted (Ctrl+C)`;

/** Examples shown under each command's --help, keyed by the command's path ("daemon stop"). */
const EXAMPLES: Record<string, string[]> = {
  sync: ['orch sync', 'orch sync --json | jq .added'],
  list: ['orch list', 'orch list --status failed,needs_review', 'orch list --module billing --json'],
  next: ['orch next', 'orch next --module billing'],
  start: ['orch start --wait', 'orch start billing/E01 billing/E02', 'orch start --module billing --count 2', 'orch sync && orch start --wait && echo deployed'],
  stop: ['orch stop', 'orch stop billing/E01'],
  status: ['orch status', 'orch status --json | jq .active'],
  show: ['orch show billing/E01', 'orch show billing/E01 --json | jq .runs[0].mergeCommit'],
  logs: ['orch logs billing/E01', 'orch logs billing/E01 --follow', 'orch logs billing/E01 | head -20'],
  maintain: ['orch maintain refactor --module billing --wait', 'orch maintain docs'],
  questions: ['orch questions'],
  answer: ['orch answer q-12 "use the existing Invoice type"'],
  pause: ['orch pause', 'orch pause billing/E01'],
  resume: ['orch resume', 'orch resume billing/E01 --guidance "the tests need a running redis"'],
  doctor: ['orch doctor', 'orch doctor --json'],
  serve: ['orch serve', 'orch serve --port 7420'],
  completion: ['orch completion bash > ~/.local/share/bash-completion/completions/orch', 'orch completion zsh > "${fpath[1]}/_orch"', 'orch completion fish > ~/.config/fish/completions/orch.fish'],
  'daemon status': ['orch daemon status'],
  'daemon start': ['orch daemon start'],
  'daemon stop': ['orch daemon stop'],
  'daemon restart': ['orch daemon restart'],
  'pr review': ['orch pr review'],
  'pr merge': ['orch pr merge billing/E03'],
};

const pathOf = (c: Command): string => {
  const names: string[] = [];
  for (let x: Command | null = c; x?.parent; x = x.parent) names.unshift(x.name());
  return names.join(' ');
};

/** Adds examples and the exit codes to the --help of every command (and subcommand) of `program`. */
export function addHelpTexts(program: Command): void {
  const visit = (c: Command): void => {
    for (const sub of c.commands) {
      const ex = EXAMPLES[pathOf(sub)];
      if (ex) sub.addHelpText('after', `\nExamples:\n${ex.map((e) => `  $ ${e}`).join('\n')}\n\n${EXIT_CODES_HELP}\n`);
      else if (sub.commands.length === 0) sub.addHelpText('after', `\n${EXIT_CODES_HELP}\n`);
      visit(sub);
    }
  };
  visit(program);
  program.addHelpText('after', `\nStart here: orch sync, then orch next, then orch start --wait. More: orch <command> --help.\n\n${EXIT_CODES_HELP}\n`);
}

/** `orch` with nothing else: what it is and the five commands to know, on stdout. */
export const SHORT_HELP = `orch: plans in docs/plans/ -> coding agents in git worktrees -> merged work

  orch sync             read docs/plans/ (file:line for anything wrong)
  orch next             what would start, in order
  orch start --wait     run every ready task until the plan is merged (exit 0 only if all merged)
  orch status           what runs, what waits and why, and the next step
  orch doctor           check git, config, plans and the agent CLIs

All commands: orch --help. One command: orch <command> --help.
`;
