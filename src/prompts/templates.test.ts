import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTemplate, renderTemplate, maintenanceKinds } from './index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('prompt templates', () => {
  it('resolves project, then user, then built-in', () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-prompts-'));
    const projectRoot = join(dir, 'p');
    const userConfigDir = join(dir, 'u');
    expect(loadTemplate('coder', { projectRoot, userConfigDir }).origin).toBe('built-in');
    mkdirSync(join(userConfigDir, 'prompts'), { recursive: true });
    writeFileSync(join(userConfigDir, 'prompts', 'coder.md'), 'user {{title}}');
    expect(loadTemplate('coder', { projectRoot, userConfigDir }).text).toBe('user {{title}}');
    mkdirSync(join(projectRoot, '.orch', 'prompts'), { recursive: true });
    writeFileSync(join(projectRoot, '.orch', 'prompts', 'coder.md'), 'project {{title}}');
    const t = loadTemplate('coder', { projectRoot, userConfigDir });
    expect(renderTemplate(t, { title: 'X' })).toBe('project X');
  });

  it('names the file and line of an unknown variable', () => {
    const t = { name: 'coder', text: 'a\nb {{titel}}', origin: '/p/.orch/prompts/coder.md' };
    expect(() => renderTemplate(t, { title: 'x' })).toThrow('/p/.orch/prompts/coder.md:2: unknown variable {{titel}}');
  });

  it('renders every built-in template with the variables the engine provides', () => {
    const vars = { task_id: 'a/E01', title: 'T', epic_file: 'f', epic_content: 'c', module: 'a', module_context: 'm', completed_dependencies: '- none', target_branch: 'main', answer: 'yes', kind: 'docs', scope: 'the whole repository', lessons: '' };
    for (const name of ['coder', 'resume', 'answer', ...maintenanceKinds.map((k) => `maintenance/${k}`)]) {
      const out = renderTemplate(loadTemplate(name, { projectRoot: '/nonexistent', userConfigDir: '/nonexistent' }), vars);
      expect(out).not.toMatch(/\{\{/);
    }
  });
});
