import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, configJsonSchema, configJsonSchemaText, defaultConfig, defaultConfigToml } from './index.js';
import { schemaFilePath } from './write-schema.js';

describe('config schema', () => {
  it('schema/config.schema.json matches the zod schema', () => {
    const file = schemaFilePath();
    const checkedIn = readFileSync(file, 'utf8');
    expect(
      checkedIn,
      `${file} is out of date with src/config/schema.ts. Regenerate it with:\n  npm run build && node dist/src/config/write-schema.js\nand commit the result.`,
    ).toBe(configJsonSchemaText());
  });

  it('describes every key and gives it a default', () => {
    const missing: string[] = [];
    const visit = (node: ReturnType<typeof configJsonSchema>, prefix: string): void => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        if (typeof child !== 'object') continue;
        const dotted = prefix === '' ? key : `${prefix}.${key}`;
        if (child.description === undefined) missing.push(`${dotted} (description)`);
        if (child.default === undefined) missing.push(`${dotted} (default)`);
        visit(child, dotted);
      }
    };
    visit(configJsonSchema(), '');
    expect(missing).toEqual([]);
  });

  it('returns a fresh default config each time', () => {
    const a = defaultConfig();
    a.agent.allowed_tools.push('WebFetch');
    a.agent.env['X'] = '1';
    expect(defaultConfig().agent.allowed_tools).not.toContain('WebFetch');
    expect(defaultConfig().agent.env).toEqual({});
  });

  it('accepts only the merge strategies that are implemented', () => {
    expect(ConfigSchema.parse({ merge_strategy: 'squash' }).merge_strategy).toBe('squash');
    expect(ConfigSchema.safeParse({ merge_strategy: 'merge' }).success).toBe(false);
  });

  it('writes a starter config that, uncommented, parses to the defaults', () => {
    const text = defaultConfigToml();
    expect(parse(text)).toEqual({ agent: {}, roles: {}, commands: {}, review: {}, forge: {}, writeback: {}, daemon: {}, plan: {}, sources: {}, budget: {}, cluster: {}, sandbox: {}, notify: {}, workflow: {} });
    const uncommented = text
      .split('\n')
      .map((l) => (/^# [a-z_]+ = /.test(l) ? l.slice(2) : l))
      .join('\n');
    expect(ConfigSchema.parse(parse(uncommented))).toEqual(defaultConfig());
  });
});
