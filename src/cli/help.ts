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
  onboard: ['orch onboard', 'orch onboard --yes', 'orch onboard --yes --agent codex --source github --no-commit'],
  config: ['orch config show', 'orch config path'],
  'config show': ['orch config show', 'orch config show --json | jq .sources'],
  'config path': ['orch config path'],
  plan: ['orch plan decompose docs/prd/billing.md', 'orch plan diff'],
  'plan decompose': ['orch plan decompose docs/prd/billing.md', 'orch plan decompose notes.txt --module search'],
  'plan diff': ['orch plan diff', 'orch plan diff plan/billing --json'],
  daemon: ['orch daemon status', 'orch daemon restart', 'orch daemon stop'],
  pr: ['orch pr review', 'orch pr merge billing/E03'],
  open: ['orch open', 'orch open --print-url'],
  tui: ['orch tui'],
  budget: ['orch budget raise daily_usd 40'],
  'budget raise': ['orch budget raise daily_usd 40', 'orch budget raise task_tokens 2000000'],
  report: ['orch report', 'orch report 2026-01-12', 'orch report --json | jq .cost'],
  batch: ['orch batch list', 'orch batch run nightly'],
  'batch list': ['orch batch list', 'orch batch list --json'],
  'batch run': ['orch batch run nightly'],
  trust: ['orch trust', 'orch trust --revoke'],
  worker: ['orch worker --redis redis://queue:6379 --repo git@github.com:acme/app.git --jobs 2', 'ORCH_REDIS_URL=rediss://:secret@queue:6380 orch worker --repo git://coordinator:9418/srv/app --labels gpu'],
  workers: ['orch workers', 'orch workers --json'],
  notify: ['orch notify test', 'orch notify test slack'],
  'notify test': ['orch notify test', 'orch notify test slack'],
  lessons: ['orch lessons', "orch lessons --json | jq '.lessons[].id'", 'orch lessons remove L3f9a2c1'],
  'lessons remove': ['orch lessons remove L3f9a2c1'],
};

/** Commands whose exit codes say more than the shared ones. */
const OWN_EXIT_CODES: Record<string, string> = {
  'plan decompose': `Exit codes:
  0    the plan branch was created
  1    the planner failed, or its plan stayed invalid
  2    bad input: no file, a branch of that name exists, an invalid plan on the target
  3    the daemon is unavailable
  130  interrupted (Ctrl+C)`,
  'plan diff': `Exit codes:
  0    shown
  2    no such branch (or several and none named), or the branch's plan is invalid
  3    the daemon is unavailable`,
  worker: `Exit codes:
  0    stopped (Ctrl+C or SIGTERM)
  2    bad options
See docs/cluster.md.`,
  workers: `Exit codes:
  0    the cluster is reachable
  1    configured but unavailable
  2    no cluster configured
  3    the daemon is unavailable`,
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
      const path = pathOf(sub);
      const ex = EXAMPLES[path];
      const examples = ex ? `\nExamples:\n${ex.map((e) => `  $ ${e}`).join('\n')}\n` : '';
      sub.addHelpText('after', `${examples}\n${OWN_EXIT_CODES[path] ?? EXIT_CODES_HELP}\n`);
      visit(sub);
    }
  };
  visit(program);
  program.addHelpText('after', `\nStart here: orch onboard (first time), then orch sync, orch next, orch start --wait. More: orch <command> --help.\n\n${EXIT_CODES_HELP}\n`);
}

/** `orch` with nothing else: what it is and the six commands to know, on stdout. */
export const SHORT_HELP = `orch: plans in docs/plans/ -> coding agents in git worktrees -> merged work

  orch onboard          first time here: check the tools, write config, a starter plan
  orch sync             read docs/plans/ (file:line for anything wrong)
  orch next             what would start, in order
  orch start --wait     run every ready task until the plan is merged (exit 0 only if all merged)
  orch status           what runs, what waits and why, and the next step
  orch doctor           check git, config, plans and the agent CLIs

All commands: orch --help. One command: orch <command> --help.
`;
