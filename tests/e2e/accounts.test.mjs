// Accounts in the browser: sign-in guard, wrong password, logout/login, language switch
// that survives a reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { captureConsole, newContext, screenshotAll } from './lib/browser.mjs';
import { useServerAndBrowser } from './lib/suite.mjs';
import { loginViaUI, makeUser, registerViaUI } from './lib/ui.mjs';

const env = useServerAndBrowser();

test('sign-in guard, wrong password, logout and login, language switch', { timeout: 60_000 }, async () => {
  const ctx = await newContext(env.browser, env.server.baseURL);
  const page = await ctx.newPage();
  const consoleLines = captureConsole(page, 'user');
  try {
    // A private page sends an anonymous visitor to the login form.
    await page.goto('/conversations');
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').waitFor();

    const user = makeUser('user');
    await registerViaUI(page, user);

    await page.getByTestId('nav-logout').click();
    await page.getByTestId('login-email').waitFor();
    // The session is gone on the server too: the API now refuses the old cookie.
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(me, 401);

    await page.getByTestId('login-email').fill(user.email);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    assert.equal(await page.getByTestId('nav-logout').count(), 0);

    await loginViaUI(page, user);

    // Russian, and it sticks across a reload.
    await page.getByTestId('lang-switch').selectOption('ru');
    await page.getByTestId('nav-feed').filter({ hasText: 'Объявления' }).waitFor();
    await page.reload();
    await page.getByTestId('nav-feed').filter({ hasText: 'Объявления' }).waitFor();
    await page.getByTestId('lang-switch').selectOption('en');
    await page.getByTestId('nav-feed').filter({ hasText: 'Listings' }).waitFor();
  } catch (e) {
    await screenshotAll({ user: page }, 'accounts');
    console.error(consoleLines.join('\n'));
    throw e;
  }
});
