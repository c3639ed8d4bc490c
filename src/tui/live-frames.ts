/**
 * Ink draws only its last frame when it believes it runs in CI (`CI` or `CONTINUOUS_INTEGRATION` set): right for a
 * build log, a blank screen for a person at a terminal inside a dev container or a CI job's debug shell. An
 * interactive screen on a real terminal is never a build log, so those variables are dropped before Ink is loaded
 * (it reads them once, when imported). Import this module before `ink`.
 */
if (process.stdout.isTTY && process.stdin.isTTY) {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}
export {};
