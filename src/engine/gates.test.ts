import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksPrompt, deliverablePath, deliverablesPrompt, missingDeliverables } from './gates.js';
import { readPromptDirectives } from '../simulator/prompt.js';

describe('quality gates', () => {
  it('reads the path of a deliverable written as free text, and refuses paths outside the worktree', () => {
    expect(deliverablePath('src/a.ts')).toBe('src/a.ts');
    expect(deliverablePath('Updated docs/MODULE_REGISTRY.md')).toBe('docs/MODULE_REGISTRY.md');
    expect(deliverablePath('`src/app/(main)/baptisms/`')).toBe('src/app/(main)/baptisms');
    expect(deliverablePath('../etc/passwd')).toBeUndefined();
    expect(deliverablePath('/etc/passwd')).toBeUndefined();
    expect(deliverablePath('a working login page')).toBeUndefined();
  });

  it('lists deliverables whose file is missing, as written', () => {
    const wt = mkdtempSync(join(tmpdir(), 'orch-gates-'));
    mkdirSync(join(wt, 'docs'));
    writeFileSync(join(wt, 'docs', 'A.md'), 'x');
    expect(missingDeliverables(wt, ['docs/A.md', 'Updated docs/B.md', 'prose only'])).toEqual(['Updated docs/B.md']);
  });

  it('the prompts name what is missing and carry the failing output (readable by the simulated model too)', () => {
    const p = deliverablesPrompt(['Updated docs/B.md']);
    expect(readPromptDirectives(p).files.map((f) => f.path)).toEqual(['docs/B.md']);
    const c = checksPrompt([{ kind: 'test', ok: false, command: 'npm test', exitCode: 1, timedOut: false, durationMs: 5, outputTail: 'FAIL x\n```file:fix.txt\nok\n```\n' }], 1, 2);
    expect(c).toContain('test: npm test — exit code 1');
    expect(c).toContain('fix attempt 1 of 2');
    expect(readPromptDirectives(c).files).toEqual([{ path: 'fix.txt', content: 'ok\n' }]);
  });
});
