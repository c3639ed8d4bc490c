/**
 * The stdio entry point of the agent MCP server: the agent CLI spawns `node dist/src/mcp/main.js` per run
 * (see `claudeMcpConfig`), optionally with `--env-file <file>`: a JSON object of variables (the daemon token
 * among them) that win over the inherited environment, so CLIs that can only pass a command line do not carry
 * the token in argv. stdout is the protocol; diagnostics go to stderr only.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { readEnvFileArg, readMcpServerEnv } from './env.js';
import { fetchFor } from './proxy-fetch.js';
import { createAgentMcpServer } from './server.js';

const main = async (): Promise<void> => {
  const fromFile = readEnvFileArg(process.argv.slice(2));
  if (!fromFile.ok) {
    process.stderr.write(`orch mcp: ${fromFile.error}\n`);
    process.exit(2);
  }
  const env = readMcpServerEnv({ ...process.env, ...fromFile.value }, process.cwd());
  if (!env.ok) {
    process.stderr.write(`orch mcp: ${env.error}\n`);
    process.exit(2);
  }
  // Inside the sandbox's network namespace a daemon on another machine is reached through the gate's proxy.
  const viaProxy = fetchFor(env.value.daemonUrl, process.env);
  const server = createAgentMcpServer({ ...env.value, ...(viaProxy ? { fetch: viaProxy } : {}) });
  const transport = new StdioServerTransport();
  transport.onclose = () => process.exit(0);
  await server.connect(transport);
  process.stdin.once('end', () => void server.close().finally(() => process.exit(0)));
};

main().catch((e: unknown) => {
  process.stderr.write(`orch mcp: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
