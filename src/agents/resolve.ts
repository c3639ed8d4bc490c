import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

const isExecutableFile = async (p: string): Promise<boolean> => {
  try {
    await access(p, constants.X_OK);
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
};

/** The absolute path of an executable: `command` itself when it has a slash, else the first match on `pathVar`. */
export const resolveCommand = async (command: string, pathVar: string): Promise<string | undefined> => {
  if (command.includes('/')) {
    const p = isAbsolute(command) ? command : resolve(command);
    return (await isExecutableFile(p)) ? p : undefined;
  }
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
};
