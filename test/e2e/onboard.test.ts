import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../harness.js';
import { startModel } from './model.js';

describe('orch onboard on a new repository, then the real Claude Code on the simulated model', () => {
  let model: { url: string; close: () => void };
  let sb: Sandbox;
  beforeAll(async () => {
    model = await startModel();
  });
  afterAll(() => {
    sb?.cleanup();
    model.close();
  });

  it('onboard --yes writes config and a starter plan, syncs, and start --wait merges the sample epic; a second onboard changes nothing', () => {
    sb = sandbox(
      { 'README.md': '# demo\n', '.orch/config.toml': '# my settings\nmax_parallel_agents = 2\n' },
      { realClaude: true, env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CODE_MAX_RETRIES: '1' } },
    );
    sb.env.CLAUDE_CONFIG_DIR = join(sb.base, 'claude');
    const first = sb.orch('onboard', '--yes');
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('ok   agent claude: Claude Code 2.1.197');
    expect(first.stdout).toContain('provider env: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL');
    expect(first.stdout).toContain('+ backend = "claude"');
    expect(first.stdout).toContain('synced 1 task; next: orch start --wait');
    const config = readFileSync(join(sb.repo, '.orch/config.toml'), 'utf8');
    expect(config).toContain('# my settings\nmax_parallel_agents = 2\n');
    expect(config).toContain('[agent]\nbackend = "claude"');
    expect(sb.git('status', '--porcelain')).toBe('');
    expect(sb.git('log', '--format=%s')).toContain('chore(orch): onboard this repository');

    const start = sb.orch('start', '--wait');
    expect(start.status, start.stdout + start.stderr).toBe(0);
    expect(existsSync(join(sb.repo, 'docs/ORCH.md'))).toBe(true);
    expect(sb.git('log', '--format=%s', 'main')).toContain('feat(getting-started): implement E01 - Describe how this project works with Orch');
    expect(readFileSync(join(sb.repo, 'docs/plans/README.md'), 'utf8')).toContain('| getting-started/E01 | Describe how this project works with Orch | 🟢 |');

    const head = sb.git('rev-parse', 'HEAD');
    const again = sb.orch('onboard', '--yes', '--json');
    expect(again.status, again.stderr).toBe(0);
    const out = JSON.parse(again.stdout) as { config: { added: unknown[]; written: boolean }; planFiles: string[]; sync: { ok: boolean; tasks: number } };
    expect(out.config).toMatchObject({ added: [], written: false });
    expect(out.planFiles).toEqual([]);
    expect(out.sync).toMatchObject({ ok: true, tasks: 1 });
    expect(sb.git('rev-parse', 'HEAD')).toBe(head);
    expect(readFileSync(join(sb.repo, '.orch/config.toml'), 'utf8')).toBe(config);

    const shown = sb.orchJson<{ config: { agent: { backend: string } }; sources: Record<string, string> }>('config', 'show');
    expect(shown.config.agent.backend).toBe('claude');
    expect(shown.sources['agent.backend']).toBe(join(sb.repo, '.orch/config.toml'));
    expect(shown.sources['agent.model']).toBe('default');
  });
});
