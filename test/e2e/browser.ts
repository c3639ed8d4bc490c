import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium, headless, nothing fetched from outside; playwright gives each launch a fresh temporary profile. */
export const CHROMIUM = process.env.ORCH_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `args`: more Chromium switches, e.g. `--host-resolver-rules` to reach a daemon by this machine's name. */
export async function launchBrowser(args: string[] = []): Promise<{ browser: Browser; context: (viewport?: { width: number; height: number }) => Promise<BrowserContext>; close: () => Promise<void> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...args] });
  return {
    browser,
    context: (viewport = { width: 1360, height: 860 }) => browser.newContext({ viewport }),
    close: () => browser.close().catch(() => undefined),
  };
}
