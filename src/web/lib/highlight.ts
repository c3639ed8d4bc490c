import Prism from 'prismjs';
import 'prismjs/components/prism-typescript';
import 'prismjs/components/prism-json';
import 'prismjs/components/prism-python';
import 'prismjs/components/prism-go';
import 'prismjs/components/prism-rust';
import 'prismjs/components/prism-bash';
import 'prismjs/components/prism-yaml';
import 'prismjs/components/prism-markdown';
import 'prismjs/components/prism-toml';
import 'prismjs/components/prism-sql';

/** A highlighted line as plain pieces: the page renders each as text in a span, never as HTML. */
export interface Piece {
  text: string;
  cls: string;
}

const byExt: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript', js: 'javascript', mjs: 'javascript', cjs: 'javascript',
  jsx: 'javascript', json: 'json', py: 'python', go: 'go', rs: 'rust', sh: 'bash', bash: 'bash', yml: 'yaml', yaml: 'yaml',
  md: 'markdown', toml: 'toml', sql: 'sql', css: 'css', html: 'markup', svelte: 'markup', xml: 'markup', svg: 'markup',
};

export function languageOf(path: string): string | undefined {
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  return byExt[ext];
}

function flatten(stream: Prism.TokenStream, cls: string, out: Piece[]): void {
  if (typeof stream === 'string') {
    out.push({ text: stream, cls });
    return;
  }
  if (Array.isArray(stream)) {
    for (const s of stream) flatten(s, cls, out);
    return;
  }
  const alias = Array.isArray(stream.alias) ? stream.alias.join(' ') : (stream.alias ?? '');
  flatten(stream.content, `tok-${stream.type} ${alias ? `tok-${alias}` : ''}`.trim(), out);
}

export function highlight(line: string, lang: string | undefined): Piece[] {
  const grammar = lang ? Prism.languages[lang] : undefined;
  if (!grammar || line.length > 2000) return [{ text: line, cls: '' }];
  const out: Piece[] = [];
  flatten(Prism.tokenize(line, grammar), '', out);
  return out;
}
