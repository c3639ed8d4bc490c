import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A Claude Code stand-in that works forever and says so 20 times a second, in stream-json (its usage grows). */
const CHATTY = `#!/usr/bin/env node
if (process.argv.includes('--version')) { console.log('2.1.197 (Claude Code)'); process.exit(0); }
const session = require('node:crypto').randomUUID();
const out = (o) => process.stdout.write(JSON.stringify({ ...o, session_id: session }) + '\\n');
out({ type: 'system', subtype: 'init', cwd: process.cwd(), tools: ['Write'], model: 'bench', claude_code_version: '2.1.197' });
let i = 0;
setInterval(() => {
  i++;
  out({ type: 'assistant', message: { id: 'm' + i, usage: { input_tokens: 100 * i, output_tokens: 10 * i }, content: i % 3 ? [{ type: 'text', text: 'step ' + i + ': reading the code and thinking about it' }] : [{ type: 'tool_use', id: 't' + i, name: 'Read', input: { file_path: 'src/x.ts' } }] } });
}, 50);
`;

/** Writes the chattering `claude` into `bin` (put it first on PATH). */
export function installChattyClaude(bin: string): void {
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'claude'), CHATTY);
  chmodSync(join(bin, 'claude'), 0o755);
}
