/** A problem that stops the configuration from loading. */
export interface ConfigIssue {
  /** The file the value came from, or FLAGS_SOURCE. */
  file: string;
  /** Dotted key, e.g. `agent.max_turns`; `""` for a file-level problem (syntax, unreadable). */
  key: string;
  /** 1-based line in `file`, when it could be found. */
  line?: number;
  column?: number;
  /** What is wrong, without the file and line (those are in the other fields). */
  message: string;
  /** The value found, rendered for a human. Never set for secret-looking keys. */
  received?: string;
  /** What would be accepted. */
  expected?: string;
  /** What to do about it. */
  hint?: string;
}

/** A problem that does not stop loading (an unknown key is ignored). */
export interface ConfigWarning {
  file: string;
  key: string;
  line?: number;
  message: string;
  /** A known dotted key the user probably meant. */
  suggestion?: string;
}

export const FLAGS_SOURCE = 'command-line flags';

const SCHEMA_HINT =
  'Every key, its default and its allowed values are listed in schema/config.schema.json in the Orch package.';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The first file with a problem. */
  readonly path: string;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    super(formatConfigError(issues), options);
    this.path = issues[0]?.file ?? '';
    this.issues = issues;
  }
}

export function formatLocation(file: string, line?: number, column?: number): string {
  if (line === undefined) return file;
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = formatLocation(issue.file, issue.line, issue.column);
  const key = issue.key === '' ? '' : ` ${issue.key}:`;
  const hint = issue.hint === undefined ? '' : `\n    ${issue.hint.replace(/\n/g, '\n    ')}`;
  return `${where}:${key} ${issue.message}${hint}`;
}

export function formatWarning(warning: ConfigWarning): string {
  return `${formatLocation(warning.file, warning.line)}: ${warning.message}`;
}

function formatConfigError(issues: readonly ConfigIssue[]): string {
  const files = [...new Set(issues.map((i) => i.file))];
  const count = issues.length === 1 ? 'a problem' : `${issues.length} problems`;
  const lines = [`Orch configuration has ${count} (${files.join(', ')}):`];
  for (const issue of issues) lines.push(`  ${formatIssue(issue)}`);
  if (issues.some((i) => i.key !== '' && i.received !== undefined)) {
    lines.push(SCHEMA_HINT);
  }
  return lines.join('\n');
}
