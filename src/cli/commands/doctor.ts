import { runDoctor } from '../../doctor/index.js';
import { Exit, printJson, type GlobalOptions } from '../context.js';
import { dim, green, red, yellow } from '../format.js';

export async function doctor(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const r = await runDoctor(globals().root ?? process.cwd());
  if (o.json || globals().json) printJson(r);
  else {
    for (const c of r.checks) {
      const mark = c.ok ? green('ok  ') : c.level === 'error' ? red('FAIL') : c.level === 'warn' ? yellow('warn') : dim('info');
      process.stdout.write(`${mark} ${c.name}: ${c.detail}${c.fix ? `\n     ${dim('fix:')} ${c.fix}` : ''}\n`);
    }
  }
  process.exitCode = r.ok ? Exit.ok : Exit.failed;
}
