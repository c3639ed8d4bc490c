import { plural } from '../api/index.js';
import semver from 'semver';

/**
 * Which versions of each agent CLI Orch understands. `tested` is the version the parsers were checked against
 * (captured transcripts and the real-binary tests); `min` up to (not including) `below` is the range accepted
 * without a warning. A version outside it may still work; when its output does not parse, the failure names
 * the version found and this range.
 */
export const SUPPORTED_VERSIONS = {
  claude: { label: 'Claude Code', min: '2.0.0', below: '3.0.0', tested: '2.1.197', pin: 'npm i -g @anthropic-ai/claude-code@2.1.197' },
  codex: { label: 'Codex', min: '0.100.0', below: '1.0.0', tested: '0.169.0', pin: 'npm i -g @openai/codex@0.169.0' },
  gemini: { label: 'Gemini CLI', min: '0.50.0', below: '1.0.0', tested: '0.61.0', pin: 'npm i -g @google/gemini-cli@0.61.0' },
  opencode: { label: 'OpenCode', min: '1.0.0', below: '2.0.0', tested: '1.18.33', pin: 'npm i -g opencode-ai@1.18.33' },
  goose: { label: 'Goose', min: '1.0.0', below: '2.0.0', tested: 'none (documented format only)', pin: 'install a Goose 1.x release' },
} as const;

export type VersionedBackend = keyof typeof SUPPORTED_VERSIONS;

/** A version as semver reads it: `v1.2.3`, `1.2.3 (Claude Code)` and `2.0.0-beta.1` (before 2.0.0) all count. */
const clean = (v: string): string | undefined => semver.valid(semver.coerce(v.trim(), { includePrerelease: true })) ?? undefined;

/** -1, 0 or 1; undefined when either is not a version. A pre-release sorts before its release. */
export const compareVersions = (a: string, b: string): number | undefined => {
  const ca = clean(a);
  const cb = clean(b);
  return ca && cb ? semver.compare(ca, cb) : undefined;
};

export const supportedRange = (backend: VersionedBackend): string => {
  const s = SUPPORTED_VERSIONS[backend];
  return `>=${s.min} <${s.below} (tested with ${s.tested})`;
};

/**
 * Whether `version` of `backend` is in the accepted range. Unknown versions (the CLI printed none) and
 * unknown backends are `unknown`, never `unsupported`: Orch cannot tell, so it does not warn.
 */
export function versionSupport(backend: string, version: string | undefined): { status: 'supported' | 'unsupported' | 'unknown'; message: string } {
  if (!(backend in SUPPORTED_VERSIONS)) return { status: 'unknown', message: `${backend}: no version range known` };
  const s = SUPPORTED_VERSIONS[backend as VersionedBackend];
  if (!version) return { status: 'unknown', message: `${s.label}: version not reported; Orch supports ${supportedRange(backend as VersionedBackend)}` };
  const lo = compareVersions(version, s.min);
  const hi = compareVersions(version, s.below);
  if (lo === undefined || hi === undefined) return { status: 'unknown', message: `${s.label} ${version}: not a version Orch can compare; it supports ${supportedRange(backend as VersionedBackend)}` };
  if (lo >= 0 && hi < 0) return { status: 'supported', message: `${s.label} ${version} (supported: ${supportedRange(backend as VersionedBackend)})` };
  return {
    status: 'unsupported',
    message: `${s.label} ${version} is outside the versions Orch understands, ${supportedRange(backend as VersionedBackend)}; its output may not parse. Fix: ${s.pin}, or set agent.command to a supported binary`,
  };
}

/** Said when a turn failed without a result while lines of its output were not understood. */
export const unparsedNote = (backend: string, version: string | undefined, unparsed: number): string =>
  `${plural(unparsed, 'line')} of the agent's output ${unparsed === 1 ? 'was' : 'were'} not understood (kept in \`orch logs\`). ${versionSupport(backend, version).message}`;
