import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LessonList } from '../../src/api/index.js';
import { startModelServer } from '../../src/simulator/index.js';
import type { ModelServer } from '../../src/simulator/types.js';
import { epic, sandbox, type Sandbox } from '../harness.js';

// O5: feedback on an earlier run becomes a lesson in a later run's prompt, as the real Claude Code sends it to the
// (simulated) model. The model runs in this process so the test can read what it was sent; orch runs as a child.
describe('lessons from feedback files reach a later prompt', () => {
  let model: ModelServer;
  let sb: Sandbox;
  beforeAll(async () => {
    model = await startModelServer();
  });
  afterAll(async () => {
    sb?.cleanup();
    await model?.close();
  });

  it('orch lessons lists them with their source; the next app run is prompted with app and project lessons only', { timeout: 180_000 }, async () => {
    sb = sandbox(
      {
        'docs/plans/app-module/epic-01-greet.md': epic('Greeting', 'A greeting.', { 'src/greet.js': 'export const greet = (n) => `hello ${n}`;' }),
        'docs/plans/app-module/epic-02-farewell.md': epic('Farewell', 'A farewell.', { 'src/bye.js': 'export const bye = (n) => `bye ${n}`;' }),
        'feedback/2026-12-03.md': [
          '# Feedback - 2026-12-03',
          '',
          '## app/E01: Greeting',
          'Rating: 2/5',
          '',
          '⚠️ No tests',
          '',
          'Action: Write a test for every exported function (lesson-app-7f3)',
          'Action (billing): Use integer cents for money (lesson-billing-9c1)',
          '',
          '## Orchestrator',
          'Action: Keep each commit to one concern (lesson-project-2b8)',
          'Action: An outdated rule (lesson-removed-5d0)',
          '',
        ].join('\n'),
        'feedback/2026-12-04.md': '## app/E02: Farewell\nRating: five\n',
      },
      { realClaude: true, env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CODE_MAX_RETRIES: '1' } },
    );
    sb.env.CLAUDE_CONFIG_DIR = join(sb.base, 'claude');
    const listed = LessonList.parse(JSON.parse((await sb.orchAsync('lessons', '--json')).stdout));
    expect(listed.lessons.map((l) => [l.scope, l.source])).toEqual([
      ['app', 'feedback/2026-12-03.md:8'],
      ['billing', 'feedback/2026-12-03.md:9'],
      ['project', 'feedback/2026-12-03.md:12'],
      ['project', 'feedback/2026-12-03.md:13'],
    ]);
    expect(listed.problems).toEqual(['feedback/2026-12-04.md:2: Rating "five" is not a rating; write it as Rating: 4/5 (1 to 5)']);
    const outdated = listed.lessons[3]?.id ?? '';
    const removed = await sb.orchAsync('lessons', 'remove', outdated);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`removed ${outdated} (feedback/2026-12-03.md:13)`);
    const text = await sb.orchAsync('lessons');
    expect(text.stdout).toMatch(/app\s+Write a test for every exported function/);
    expect(text.stdout).toContain('feedback/2026-12-04.md:2: Rating "five"');

    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const prompts = model.requests.filter((q) => q.kind === 'main').map((q) => JSON.stringify(q.body));
    const first = prompts.filter((p) => p.includes('You are implementing app/E0'));
    expect(first.length).toBeGreaterThanOrEqual(2);
    for (const p of first) {
      expect(p).toContain('## Lessons from feedback on earlier runs');
      expect(p).toContain('Write a test for every exported function (lesson-app-7f3)');
      expect(p).toContain('Keep each commit to one concern (lesson-project-2b8)');
      expect(p).not.toContain('lesson-billing-9c1');
      expect(p).not.toContain('lesson-removed-5d0');
    }
  });
});
