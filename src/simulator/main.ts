/**
 * Manual entry for the simulated model server:
 *   node dist/src/simulator/main.js [--port 0] [--host 127.0.0.1] [--scenario file.json]
 * The scenario file holds either a step list (served to every conversation) or
 * `{ "default"?: Step[], "scenarios"?: { "NAME": Step[] } }` (selected by `[[scenario:NAME]]`).
 * Without a file the default epic scenario is used. Prints the base URL for ANTHROPIC_BASE_URL.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startModelServer } from './server.js';
import { readScenarioFile } from './schema.js';
import type { ModelServerOptions } from './types.js';

const loadScenarios = async (file: string): Promise<Pick<ModelServerOptions, 'scenario' | 'scenarios'>> => {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the scenario file: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return readScenarioFile(json, file);
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, scenario: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected 0..65535, got "${values.port}"`);
  const scenarios = values.scenario ? await loadScenarios(values.scenario) : {};
  const server = await startModelServer({ ...scenarios, port, host: values.host });
  process.stdout.write(`${server.url}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

main().catch((err: unknown) => {
  process.stderr.write(`simulated model server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
