/**
 * Claude Code's tools an agent may use without asking (its `--allowedTools`), the one list both the config
 * default and a backend created without config use. `TodoWrite`, `MultiEdit` and `LS` are gone from recent
 * versions (2.1.x has TaskCreate/TaskUpdate instead); naming a tool a version lacks is harmless.
 */
export const DEFAULT_ALLOWED_TOOLS = ['Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Glob', 'Grep', 'LS', 'Bash', 'TodoWrite', 'TaskCreate', 'TaskUpdate', 'TaskList', 'TaskGet'];
