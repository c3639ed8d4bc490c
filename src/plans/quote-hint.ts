/**
 * An unquoted `{` starts a YAML flow mapping, so a brace glob written as a plain value (`touches: {a,b}/**`,
 * `- {a,b}.ts`, `[src/{a,b}/**]`) is either a parse error ("Unexpected scalar at node end") or silently a mapping.
 * These helpers find such a line and show it quoted, so the error says exactly what to write.
 */

const KEY_OR_ITEM = /^(\s*(?:-\s+)?(?:[A-Za-z_][\w-]*\s*:\s+)?)(.*?)\s*$/;

const quote = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The items of a flow sequence body (`a, src/{b,c}/**`), split on commas outside braces. */
function splitFlow(body: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      items.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(body.slice(start).trim());
  return items.filter((s) => s !== '');
}

// In a flow sequence any `{` or `,` is syntax; in a block value only a leading `{` is.
const unquotedInFlow = (item: string): boolean => item.includes('{') && !/^["']/.test(item);

/** The line with its brace globs quoted, or undefined when it holds no unquoted `{` value. */
export function quotedBraceLine(line: string): string | undefined {
  const m = KEY_OR_ITEM.exec(line);
  if (!m) return undefined;
  const lead = m[1] ?? '';
  const value = m[2] ?? '';
  if (value.startsWith('[') && value.endsWith(']')) {
    const items = splitFlow(value.slice(1, -1));
    if (!items.some(unquotedInFlow)) return undefined;
    return `${lead}[${items.map((s) => (unquotedInFlow(s) ? quote(s) : s)).join(', ')}]`;
  }
  return value.startsWith('{') ? `${lead}${quote(value)}` : undefined;
}

/** A fix for a YAML error on `line` (1-based within `yaml`) when that line holds an unquoted brace glob. */
export function braceFix(yaml: string, line: number): string | undefined {
  const at = yaml.split('\n')[line - 1];
  const fixed = at === undefined ? undefined : quotedBraceLine(at);
  return fixed === undefined
    ? undefined
    : `\`{\` starts a YAML mapping, so a glob with braces must be quoted: write \`${fixed.trim()}\``;
}

/**
 * The mistakes people make by hand that YAML reports obscurely: a tab used to indent ("Tabs are not allowed as
 * indentation") and a `[` list never closed (reported on the next key's line). `line` is 1-based within `yaml`;
 * `firstLine` is the file line of its first line.
 */
export function commonYamlFix(yaml: string, line: number, firstLine: number): string | undefined {
  const lines = yaml.split('\n');
  const tab = lines.findIndex((l, i) => i < line && /^ *\t/.test(l));
  if (tab !== -1) return `line ${tab + firstLine} is indented with a tab: YAML indents with spaces only; replace the tab with spaces (or remove the indent of a top-level key)`;
  // Upward from the reported line: the first line where more `[` were opened than closed below it is the open one.
  let balance = 0;
  for (let i = line - 1; i >= 0; i--) {
    const l = (lines[i] ?? '').replace(/#.*$/, '');
    balance += (l.match(/\[/g) ?? []).length - (l.match(/\]/g) ?? []).length;
    if (balance > 0) return `line ${i + firstLine} opens a \`[\` list that is not closed: end it with \`]\` on the same line (\`depends_on: [core/E01, core/E02]\`)`;
  }
  return undefined;
}
