import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../config/index.js';
import { configReload } from './config-reload.js';

const withChanges = (f: (c: Config) => void): Config => {
  const c = structuredClone(defaultConfig());
  f(c);
  return c;
};

describe('configReload', () => {
  it('takes over limits, [budget] and [notify] in place; everything else waits for a restart', () => {
    const before = defaultConfig();
    const after = withChanges((c) => {
      c.max_parallel_agents = 7;
      c.budget.daily_usd = 80;
      c.notify.retries = 1;
      c.agent.timeout_minutes = 5;
    });
    const r = configReload(before, after);
    expect(r.applied).toEqual(expect.arrayContaining([`max_parallel_agents ${before.max_parallel_agents} -> 7`, `budget.daily_usd ${before.budget.daily_usd} -> 80`, `notify.retries ${before.notify.retries} -> 1`]));
    expect(r.restart).toEqual(['agent.timeout_minutes']);
    expect(r.config.budget.daily_usd).toBe(80);
    expect(r.config.notify.retries).toBe(1);
    expect(r.config.agent.timeout_minutes).toBe(before.agent.timeout_minutes);
  });

  it('a change under [notify.telegram] is taken over too (the daemon makes its reply poller again)', () => {
    const before = defaultConfig();
    const after = withChanges((c) => {
      c.notify.telegram = { chat_id: '42', token_env: 'ORCH_TELEGRAM_TOKEN', api_url: 'https://api.telegram.org' } as Config['notify']['telegram'];
      c.notify.max_per_hour = 3;
    });
    const r = configReload(before, after);
    expect(r.restart).toEqual([]);
    expect(r.applied.some((a) => a.startsWith('notify.telegram'))).toBe(true);
    expect(r.config.notify.telegram).toEqual(after.notify.telegram);
    expect(r.config.notify.max_per_hour).toBe(3);
  });
});
