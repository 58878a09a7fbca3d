/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** What the browser tests share: Debian's Chromium, the screenshots folder, the console's sign-in, the sandbox's chat page. */
export const PASSWORD = 'a long agent password';
export const SHOTS = join(__dirname, '..', 'test-artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium without what would reach out of the machine (playwright-core downloads no browser). */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

export const screenshot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

export interface PageOptions {
  viewport?: { width: number; height: number };
  timeoutMs?: number;
}

/** Fills the console's sign-in form (the page must show it). */
export async function fillSignIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await byTestId(page, 'signin-email').fill(email);
  await byTestId(page, 'signin-password').fill(password);
  await byTestId(page, 'signin-submit').click();
}

/**
 * A console page signed in and connected. In a browser's default context pages share session
 * storage; pass a context of its own where each agent must be in their own browser.
 */
export async function consoleSignIn(
  where: Browser | BrowserContext,
  bridgeUrl: string,
  email: string,
  { password = PASSWORD, viewport = { width: 1366, height: 768 }, timeoutMs = 10_000 }: PageOptions & { password?: string } = {},
): Promise<Page> {
  const page = 'newContext' in where ? await where.newPage({ viewport }) : await where.newPage();
  if (!('newContext' in where)) await page.setViewportSize(viewport);
  page.setDefaultTimeout(timeoutMs);
  await page.goto(`${bridgeUrl}/console/`);
  await fillSignIn(page, email, password);
  await page.waitForFunction(() => document.querySelector('[data-testid=connection]')?.textContent?.includes('Connected'));
  return page;
}

/** The platform sandbox's chat page for a user, connected. */
export async function userChatPage(browser: Browser, simUrl: string, userId: string, { viewport = { width: 800, height: 700 }, timeoutMs = 10_000 }: PageOptions = {}): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(timeoutMs);
  await page.goto(`${simUrl}/?userId=${userId}`);
  await page.waitForFunction(() => /connected/i.test(document.querySelector('#status')?.textContent ?? ''));
  return page;
}

/**
 * Opens a tab of the admin screens and waits until it has loaded: a tab switched to within the page
 * shows its last rows, not editable (inert, aria-busy) until the fresh ones replace them.
 */
export async function openAdminTab(page: Page, bridgeUrl: string, tab: string): Promise<void> {
  await page.goto(`${bridgeUrl}/console/admin.html#${tab}`);
  await page.locator(`#panel-${tab}:not([aria-busy])`).waitFor();
}
