import { matchGlob } from '../glob/index.js';

export interface OwnerRule {
  pattern: string;
  owners: string[];
  line: number;
}

export function parseCodeowners(text: string): OwnerRule[] {
  const rules: OwnerRule[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '' || line.startsWith('[')) return;
    const [pattern, ...owners] = line.split(/\s+/);
    if (pattern) rules.push({ pattern, owners, line: idx + 1 });
  });
  return rules;
}

/** The last matching rule wins, as on GitHub. */
export function ownersOf(rules: readonly OwnerRule[], path: string): OwnerRule | undefined {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i];
    if (rule && matchGlob(rule.pattern, path)) return rule;
  }
  return undefined;
}
