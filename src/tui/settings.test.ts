import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPaths } from '../paths/index.js';
import { createSettings, shownPath } from './settings.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function world() {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'orch-tui-settings-')));
  const home = join(dir, 'home');
  const root = join(dir, 'repo');
  mkdirSync(join(root, '.orch'), { recursive: true });
  mkdirSync(join(home, '.config', 'orch'), { recursive: true });
  const projectFile = join(root, '.orch', 'config.toml');
  const userFile = join(home, '.config', 'orch', 'config.toml');
  writeFileSync(projectFile, '# project settings\nmax_parallel_agents = 3 # agents at once\n');
  writeFileSync(userFile, '# mine\n[agent]\nbackend = "claude" # the default\n');
  const settings = createSettings(createPaths({}, home), root, home);
  return { settings, projectFile, userFile };
}

describe('settings', () => {
  it('names the file each value comes from as a person reads it: project-relative or under ~, never the whole path', () => {
    const w = world();
    const { items, error } = w.settings.list();
    expect(error).toBeUndefined();
    const at = (key: string) => items.find((i) => i.key === key);
    expect(at('max_parallel_agents')).toMatchObject({ value: '3', setIn: 'project', shown: 'project .orch/config.toml' });
    expect(at('agent.backend')).toMatchObject({ value: 'claude', setIn: 'user', shown: 'user ~/.config/orch/config.toml' });
    for (const i of items) expect(i.shown, i.key).not.toContain(dir);
    expect(shownPath('/etc/orch/config.toml', '/r', '/home/ada')).toBe('/etc/orch/config.toml');
  });

  it('budgets and notifications: listed, checked by the config schema, written with comments kept ([notify] to the user file only)', () => {
    const w = world();
    const keys = w.settings.list().items.map((i) => i.key);
    expect(keys).toEqual(expect.arrayContaining(['budget.task_usd', 'budget.task_tokens', 'budget.batch_usd', 'budget.daily_usd', 'budget.daily_tokens', 'notify.quiet_hours', 'notify.max_per_hour']));

    expect(w.settings.set('budget.daily_usd', '12.5')).toMatchObject({ ok: true, text: expect.stringContaining('written to project .orch/config.toml') });
    expect(readFileSync(w.projectFile, 'utf8')).toBe('# project settings\nmax_parallel_agents = 3 # agents at once\n\n[budget]\ndaily_usd = 12.5\n');
    const before = readFileSync(w.projectFile, 'utf8');
    const bad = w.settings.set('budget.daily_usd', '-1');
    expect(bad.ok).toBe(false);
    expect(bad.text).toContain('budget.daily_usd: expected a number >= 0, received -1');
    expect(readFileSync(w.projectFile, 'utf8')).toBe(before);

    expect(w.settings.set('notify.quiet_hours', '22:00-07:00')).toMatchObject({ ok: true, text: expect.stringContaining('written to user ~/.config/orch/config.toml') });
    expect(readFileSync(w.userFile, 'utf8')).toContain('# the default\n\n[notify]\nquiet_hours = "22:00-07:00"\n');
    expect(readFileSync(w.projectFile, 'utf8')).not.toContain('notify');
    const wrong = w.settings.set('notify.quiet_hours', '25:00-07:00');
    expect(wrong).toMatchObject({ ok: false, text: expect.stringContaining('HH:MM-HH:MM') });
    expect(w.settings.list().items.find((i) => i.key === 'notify.quiet_hours')).toMatchObject({ value: '22:00-07:00', setIn: 'user' });
  });
});
