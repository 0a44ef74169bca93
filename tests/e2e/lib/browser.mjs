// Launches the system Chromium through playwright-core (never downloads a browser).

import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Default per-action/assertion timeout, kept short so a broken test fails fast. */
export const ACTION_TIMEOUT_MS = 15_000;

export async function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * A fresh, isolated browser context (own cookies and storage) pointed at baseURL.
 * English UI unless `locale` says otherwise.
 */
export async function newContext(browser, baseURL, opts = {}) {
  const context = await browser.newContext({
    baseURL,
    locale: 'en-US',
    timezoneId: 'Europe/Moscow',
    viewport: { width: 1280, height: 900 },
    ...opts,
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  return context;
}

/** Where failure screenshots go: $VITRINA_E2E_ARTIFACTS or a fresh temp dir. */
export async function artifactsDir() {
  const fixed = process.env.VITRINA_E2E_ARTIFACTS;
  if (fixed) {
    await mkdir(fixed, { recursive: true });
    return fixed;
  }
  return mkdtemp(path.join(os.tmpdir(), 'vitrina-e2e-artifacts-'));
}

/**
 * Saves a full-page screenshot of every still-open page; returns the file paths.
 * @param {Record<string, import('playwright-core').Page>} pages name → page
 */
export async function screenshotAll(pages, prefix = 'failure') {
  const dir = await artifactsDir();
  const saved = [];
  for (const [name, page] of Object.entries(pages)) {
    if (!page || page.isClosed()) continue;
    const file = path.join(dir, `${prefix}-${name}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true, timeout: 5_000 });
      saved.push(file);
    } catch {
      // the page may be gone; keep going
    }
  }
  return saved;
}

/** Collects console errors and page errors of a page, for failure reports. */
export function captureConsole(page, name) {
  const lines = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') lines.push(`[${name} console.${msg.type()}] ${msg.text()}`);
  });
  page.on('pageerror', (err) => lines.push(`[${name} pageerror] ${err.message}`));
  return lines;
}
