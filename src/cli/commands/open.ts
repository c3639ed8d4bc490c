import { spawn } from 'node:child_process';
import { LoginLink } from '../../api/index.js';
import { client, printJson, type GlobalOptions } from '../context.js';
import { dim } from '../format.js';

/** The command that opens a URL in the user's browser: $BROWSER, else the platform's opener. */
function opener(url: string): { cmd: string; args: string[] } {
  const browser = process.env.BROWSER;
  if (browser) return { cmd: browser, args: [url] };
  if (process.platform === 'darwin') return { cmd: 'open', args: [url] };
  if (process.platform === 'win32') return { cmd: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { cmd: 'xdg-open', args: [url] };
}

function openInBrowser(url: string): Promise<string | undefined> {
  const { cmd, args } = opener(url);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.once('error', (e) => resolve(`${cmd}: ${e.message}`));
    child.once('spawn', () => {
      child.unref();
      resolve(undefined);
    });
  });
}

/** `orch open [--print-url]`: a one-time login link from the daemon (started if need be), opened or printed. */
export async function open(globals: () => GlobalOptions, o: { printUrl?: boolean; json?: boolean }): Promise<void> {
  const c = await client(globals());
  const link = await c.post('/api/login-link', {}, LoginLink);
  const { url } = link;
  if (o.json || globals().json) return printJson(link);
  // Bound beyond loopback, the link to print is the network one: the reader of --print-url is on another machine.
  if (o.printUrl) return void process.stdout.write(`${link.remoteUrl ?? url}\n`);
  const problem = await openInBrowser(url);
  if (problem) {
    process.stdout.write(`could not start a browser (${problem}); open this one-time link yourself:\n${url}\n`);
    return;
  }
  process.stdout.write(`opened the web page in your browser ${dim('(the login link works once, for 2 minutes)')}\n`);
}
