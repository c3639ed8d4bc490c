import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { createPaths } from '../../paths/index.js';
import { keysNeedingTrust, trust, trustState, untrust, userOnly } from '../../config/index.js';
import { CliError, Exit, printJson, projectPaths, type GlobalOptions } from '../context.js';

/** `orch trust [--revoke]`: pins (or drops) the current content of the project's config file. */
export async function trustProject(globals: () => GlobalOptions, o: { revoke?: boolean; json?: boolean }): Promise<void> {
  const paths = projectPaths(globals());
  const file = paths.projectConfigFile;
  const configDir = createPaths(process.env).configDir;
  const json = o.json || globals().json;
  if (o.revoke) {
    const was = untrust(configDir, file);
    if (json) return printJson({ file, trusted: false, wasTrusted: was });
    process.stdout.write(was ? `no longer trusted: ${file}\n` : `${file} was not trusted\n`);
    return;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`${file} does not exist: there is nothing to trust`, Exit.input);
  }
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`${file} is not valid TOML (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); fix it before trusting it`, Exit.input);
  }
  const keys = keysNeedingTrust(raw).filter((p) => !userOnly(p)).map((p) => p.join('.'));
  const refused = keysNeedingTrust(raw).filter((p) => userOnly(p)).map((p) => p.join('.'));
  const before = trustState(configDir, file, text);
  trust(configDir, file, text);
  if (json) return printJson({ file, trusted: true, was: before, keys });
  const what = keys.length > 0 ? `it may now set ${keys.join(', ')}` : 'it sets nothing that needed trust';
  process.stdout.write(`trusted ${file} as it is now (${what}); a later change to it needs \`orch trust\` again\n`);
  if (refused.length > 0) process.stdout.write(`still refused: ${refused.map((k) => `[${k}]`).join(', ')} (only your own config may set them): move them to your user config\n`);
}
