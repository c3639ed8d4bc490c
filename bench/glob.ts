/**
 * `npm run build && node dist/bench/glob.js`: the glob matcher of `touches` and review rules on the patterns that
 * took seconds as regular expressions (issue 9, P7), next to picomatch.makeRe on the one case it finishes.
 */
import picomatch from 'picomatch';
import { matchGlobCounted } from '../src/glob/index.js';

const cases: Array<[string, string, string]> = [
  ['12 globstar segments, no match', `${'**/'.repeat(12)}x`, `${'a/'.repeat(30)}y`],
  ['12 `**/a/`, 4000-char path', `${'**/a/'.repeat(12)}b`, `${'a/'.repeat(2000)}c`],
  ['12 `*a` in one segment, 255 chars', `${'*a'.repeat(12)}b`, 'a'.repeat(255)],
  ['`*a*a*ab`, 255 chars', '*a*a*ab', 'a'.repeat(255)],
];

function time(f: () => unknown, reps: number): number {
  const t = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) f();
  return Number(process.hrtime.bigint() - t) / 1e6 / reps;
}

for (const [name, pattern, path] of cases) {
  const steps = { n: 0 };
  matchGlobCounted(pattern, path, steps);
  const ms = time(() => matchGlobCounted(pattern, path), 20);
  console.log(`${name.padEnd(40)} orch ${ms.toFixed(3)} ms/match, ${steps.n} steps`);
}
const re = picomatch.makeRe('*a*a*ab', { dot: true });
console.log(`${'`*a*a*ab`, 255 chars'.padEnd(40)} picomatch.makeRe ${time(() => re.test('a'.repeat(255)), 1).toFixed(1)} ms/match (4 stars: seconds; 12: never ends)`);
