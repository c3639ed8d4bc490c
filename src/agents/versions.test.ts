import { describe, expect, it } from 'vitest';
import { compareVersions, unparsedNote, versionSupport } from './versions.js';

describe('agent CLI versions', () => {
  it('compares x.y.z numerically, not as text', () => {
    expect(compareVersions('2.10.0', '2.9.9')).toBe(1);
    expect(compareVersions('v1.2.3', '1.2.3')).toBe(0);
    expect(compareVersions('0.99.1', '0.100.0')).toBe(-1);
    expect(compareVersions('nightly', '1.0.0')).toBeUndefined();
  });

  it('accepts the tested versions and names the range for others', () => {
    expect(versionSupport('claude', '2.1.197').status).toBe('supported');
    expect(versionSupport('codex', '0.169.0').status).toBe('supported');
    expect(versionSupport('gemini', '0.61.0').status).toBe('supported');
    expect(versionSupport('opencode', '1.18.33').status).toBe('supported');
    const old = versionSupport('claude', '1.0.44');
    expect(old.status).toBe('unsupported');
    expect(old.message).toContain('Claude Code 1.0.44 is outside the versions Orch understands, >=2.0.0 <3.0.0 (tested with 2.1.197)');
    expect(old.message).toContain('Fix: npm i -g @anthropic-ai/claude-code@2.1.197');
    expect(versionSupport('codex', '1.0.0').status).toBe('unsupported');
  });

  it('never claims unsupported when it cannot tell', () => {
    expect(versionSupport('claude', undefined).status).toBe('unknown');
    expect(versionSupport('claude', 'dev-build').status).toBe('unknown');
    expect(versionSupport('mystery', '1.0.0').status).toBe('unknown');
  });

  it('explains a failed turn with output it did not understand', () => {
    expect(unparsedNote('gemini', '2.0.1', 7)).toMatch(/^7 lines of the agent's output were not understood .* Gemini CLI 2\.0\.1 is outside/);
  });
});

describe('pre-releases', () => {
  it('2.0.0-beta.1 comes before 2.0.0, so it is below a range that starts at 2.0.0', () => {
    expect(compareVersions('2.0.0-beta.1', '2.0.0')).toBe(-1);
    expect(versionSupport('claude', '2.0.0-beta.1').status).toBe('unsupported');
    expect(versionSupport('claude', '2.1.197 (Claude Code)').status).toBe('supported');
  });
});
