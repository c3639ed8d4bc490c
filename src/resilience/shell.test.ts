import { describe, expect, it } from 'vitest';
import { shellCommandOf, splitCommandLine } from './shell.js';

const words = (line: string) => splitCommandLine(line).map((c) => c.map((w) => (w.redirect ? '>' : w.text)));

describe('splitCommandLine', () => {
  it('splits on operators outside quotes and keeps quoted text whole', () => {
    expect(words(`a 'b; c' && d "e | f" || g; h | i & j\nk`)).toEqual([['a', 'b; c'], ['d', 'e | f'], ['g'], ['h'], ['i'], ['j'], ['k']]);
    expect(words(`echo "say \\"hi\\"" it\\'s`)).toEqual([['echo', 'say "hi"', "it's"]]);
  });

  it('turns redirections into operator words, fd duplications into nothing', () => {
    expect(words('cmd > out 2>&1')).toEqual([['cmd', '>', 'out']]);
    expect(words('cmd 2>err &>all >>log a>b')).toEqual([['cmd', '>', 'err', '>', 'all', '>', 'log', 'a', '>', 'b']]);
    expect(words('echo x >&2')).toEqual([['echo', 'x']]);
  });
});

describe('shellCommandOf', () => {
  it('unwraps Codex bash -lc quoting and ignores tools that are not shells', () => {
    expect(shellCommandOf({ type: 'tool_call', id: '1', name: 'command_execution', input: { command: `/bin/bash -lc 'echo '\\''hi'\\'' > a'` } })).toBe(`echo 'hi' > a`);
    expect(shellCommandOf({ type: 'tool_call', id: '1', name: 'command_execution', input: { command: `bash -lc "echo \\"x\\""` } })).toBe('echo "x"');
    expect(shellCommandOf({ type: 'tool_call', id: '1', name: 'Write', input: { command: 'git push' } })).toBeUndefined();
    expect(shellCommandOf({ type: 'tool_call', id: '1', name: 'Bash', input: 'git push' })).toBeUndefined();
  });
});
