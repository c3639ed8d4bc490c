import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, type Sandbox } from '../harness.js';

describe('agent CLI versions Orch does not understand', () => {
  let sb: Sandbox | undefined;
  afterEach(() => {
    sb?.cleanup();
    sb = undefined;
  });

  it('orch doctor names the version found and the versions supported, as a warning', () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'a', { 'a.txt': 'a' }) });
    const future = join(sb.base, 'claude-3');
    writeFileSync(future, '#!/bin/sh\necho "3.4.0 (Claude Code)"\n', { mode: 0o755 });
    sb.write('.orch/config.toml', `[agent]\ncommand = "${future}"\n`);
    const r = sb.orch('doctor', '--json');
    expect(r.status, r.stderr).toBe(0);
    const checks = (JSON.parse(r.stdout) as { checks: Array<{ name: string; ok: boolean; level: string; detail: string }> }).checks;
    const v = checks.find((c) => c.name === 'agent default version');
    expect(v).toMatchObject({ ok: false, level: 'warn' });
    expect(v?.detail).toContain('Claude Code 3.4.0 is outside the versions Orch understands, >=2.0.0 <3.0.0 (tested with 2.1.197)');
  });

  it('a run whose output does not parse fails naming the version found and the versions supported', () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'a [[fake:future]]', { 'a.txt': 'a' }) });
    const r = sb.orch('start', '--wait');
    expect(r.status).toBe(1);
    const shown = sb.orchJson<{ runs: Array<{ state: string; error: string | null }> }>('show', 'core/E01');
    expect(shown.runs[0]?.state).toBe('failed');
    expect(shown.runs[0]?.error).toMatch(/2 lines of the agent's output were not understood/);
    expect(shown.runs[0]?.error).toContain('Claude Code 3.4.0 is outside the versions Orch understands, >=2.0.0 <3.0.0');
  });
});
