/**
 * Issue numbers an issue waits for, from its body: "blocked by #12", "depends on #3 and #4", "after #7",
 * "requires #9", and unchecked task-list items that name an issue ("- [ ] #15"). Checked items are done.
 * References inside code (fenced blocks, inline code) do not count.
 */
export function blockingRefs(body: string): number[] {
  const text = body.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const out = new Set<number>();
  const phrase = /\b(?:blocked\s+by|depends\s+on|after|requires|waits\s+for)\b((?:[\s,:]*(?:and\s+)?(?:[\w.-]+\/[\w.-]+)?#\d+)+)/gi;
  for (const m of text.matchAll(phrase)) for (const n of (m[1] ?? '').matchAll(/(?<![\w/])#(\d+)/g)) out.add(Number(n[1]));
  for (const m of text.matchAll(/^\s*[-*+]\s+\[ \]\s+#(\d+)\b/gm)) out.add(Number(m[1]));
  return [...out].sort((a, b) => a - b);
}
