/** Built-in prompt templates. A project overrides one with `.orch/prompts/<name>.md`, a user with the config dir. */

const workRules = `## How to work

1. Work only in this directory: it is a git worktree made for this run.
2. Run the project's build and tests if it has any (the orch MCP tools run_build, run_test and run_lint run the
   configured commands here), and make them pass.
3. Do not commit, push, rebase, merge or switch branches: Orch commits your changes and merges them.
4. If you are blocked, call orch_stuck with the reason; if you need a decision, call orch_ask. When you are done,
   call orch_done with a summary (or reply with the summary).`;

export const builtinTemplates: Record<string, string> = {
  coder: `You are implementing {{task_id}}: {{title}}

Epic file: {{epic_file}}

## Epic

{{epic_content}}

## Module context ({{module}})

{{module_context}}

## Dependencies already merged into {{target_branch}}

{{completed_dependencies}}

{{lessons}}${workRules}
`,
  resume: `Your previous session on {{task_id}} ({{title}}) was interrupted. Continue where you left off, in this same
directory. When the task is done, reply with a short summary.
`,
  'planner-answer': `A coding agent working on {{task_id}} ({{title}}) asks the orchestrator a question it could not answer
from the code or its task:

> {{question}}

You are the planner: answer from the plan below. Reply with the answer only, short and decisive, the way a tech
lead who wrote this plan would. If the plan does not settle it and a person must decide, reply with one line
that starts with ESCALATE: and says why. Do not edit any file.

## The task ({{epic_file}})

{{epic_content}}

## Module context ({{module}})

{{module_context}}

## Dependencies already merged into {{target_branch}}

{{completed_dependencies}}

## The rest of the plan

{{plan_outline}}
`,
  answer: `The answer to your question about {{task_id}}:

{{answer}}

Continue the task with this in mind.
`,
};

const maintenance: Record<string, string> = {
  refactor: 'Refactor {{scope}} for clarity: smaller functions, clear names, no behaviour change. Keep the tests green.',
  cleanup: 'Clean up {{scope}}: remove dead code, unused dependencies and stale comments. No behaviour change.',
  optimize: 'Find and fix the most important performance problem in {{scope}}. Measure before and after, and say what you measured.',
  docs: 'Bring the documentation of {{scope}} up to date with the code: README sections, doc comments, examples that run.',
  tests: 'Add tests for the untested behaviour of {{scope}}, starting with the riskiest paths. Tests must be able to fail.',
  security: 'Review {{scope}} for security problems (injection, secrets, unsafe input handling, permissions) and fix what you find.',
  lint: "Run the project's linters on {{scope}} and fix what they report, without disabling rules.",
};

for (const [name, goal] of Object.entries(maintenance)) {
  builtinTemplates[`maintenance/${name}`] = `Maintenance task ({{kind}}) on {{scope}}.

${goal}

${workRules}
`;
}

export const maintenanceKinds = Object.keys(maintenance);
