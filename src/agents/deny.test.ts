import { describe, expect, it } from 'vitest';
import { DEFAULT_DISALLOWED_TOOLS } from './claude/backend.js';
import { geminiDenyPolicy, openCodeBashPermission, shellDenyPrefixes } from './deny.js';

describe('shellDenyPrefixes', () => {
  it('takes the shell commands out of a Claude-style deny-list', () => {
    expect(shellDenyPrefixes(['Bash(git push:*)', 'Bash(npm publish)', 'EnterWorktree', 'Bash(git push:*)'])).toEqual(['git push', 'npm publish']);
    expect(shellDenyPrefixes()).toHaveLength(DEFAULT_DISALLOWED_TOOLS.filter((t) => t.startsWith('Bash(')).length);
  });
});

describe('deny-lists in other CLIs', () => {
  it('gemini: one deny rule for run_shell_command above yolo\'s allow-all; nothing for an empty list', () => {
    expect(geminiDenyPolicy(['git push'])).toBe(
      '[[rule]]\ntoolName = "run_shell_command"\ncommandPrefix = ["git push"]\ndecision = "deny"\npriority = 900\n' +
        'denyMessage = "Orch denies this command: the orchestrator owns branches, history and what reaches the remote"\n',
    );
    expect(geminiDenyPolicy([])).toBe('');
  });

  it('opencode: keeps the user\'s bash permission and adds the denied prefixes with and without arguments', () => {
    expect(openCodeBashPermission('ask', ['git push'])).toEqual({ '*': 'ask', 'git push': 'deny', 'git push *': 'deny' });
    expect(openCodeBashPermission({ 'npm *': 'allow' }, ['git push'])).toEqual({ 'npm *': 'allow', 'git push': 'deny', 'git push *': 'deny' });
  });
});
