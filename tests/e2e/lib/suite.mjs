// One server and one browser per test file, started before its tests and stopped after.
//
//   const env = useServerAndBrowser();
//   test('...', async () => { const ctx = await newContext(env.browser, env.server.baseURL); });
//
// Stopping requires a clean exit (code 0) after SIGTERM: graceful shutdown worked, and in
// the ASan/UBSan build the sanitizers found nothing.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { startServer } from './server.mjs';

export function useServerAndBrowser(serverOptions = {}) {
  /** @type {{server: Awaited<ReturnType<typeof startServer>> | undefined, browser: import('playwright-core').Browser | undefined}} */
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await startServer(serverOptions);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    if (env.server) {
      const exit = await env.server.stop(); // throws if the server ignores SIGTERM for 10 s
      assert.equal(exit?.code, 0, `server exit after SIGTERM: ${JSON.stringify(exit)}`);
    }
  });
  return env;
}
