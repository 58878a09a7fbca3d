/// <reference lib="dom" />
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { PASSWORD, byTestId, consoleSignIn, launchChromium, screenshot } from './browser';

const bot = TEST_BOT.botId;

/** Each admin flow in real headless Chromium, with its effect on agents' open consoles. */
jest.setTimeout(120_000);

describe('console admin screens in a browser', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let browser: Browser;
  let db: Client;
  let admin: Page;

  beforeAll(async () => {
    env = await createTestEnvironment('console_admin_browser');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false, disconnectGraceSeconds: 30 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ada@example.com', name: 'Ada Admin', role: 'admin', passwordHash: hash });
    await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash, maxChats: 5 });
    await agents.addCannedResponse('thanks', 'Thanks', 'Thank you for waiting!');
    browser = await launchChromium();
    admin = await signIn('ada@example.com');
  });

  afterAll(async () => {
    await browser?.close();
    await db?.end();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  const t = byTestId;
  const shot = (page: Page, name: string) => screenshot(page, name, false);
  const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, bridge.url);

  async function signIn(email: string, password = PASSWORD): Promise<Page> {
    return consoleSignIn(browser, bridge.url, email, { password, viewport: { width: 1366, height: 768 } });
  }

  async function signInFails(email: string, password: string): Promise<void> {
    const page = await browser.newPage();
    await page.goto(`${bridge.url}/console/`);
    await t(page, 'signin-email').fill(email);
    await t(page, 'signin-password').fill(password);
    await t(page, 'signin-submit').click();
    await t(page, 'signin-error').filter({ hasText: 'Wrong email or password' }).waitFor();
    await page.close();
  }

  async function openTab(tab: 'agents' | 'canned' | 'dispositions'): Promise<void> {
    await t(admin, `tab-${tab}`).click();
    await admin.locator(`#panel-${tab}:not([aria-busy])`).waitFor();
  }

  const row = (email: string) => admin.locator('[data-testid=agent-row]', { hasText: email });

  /** A conversation waiting in the console queue, accepted by `page`'s agent. */
  async function acceptedChat(page: Page, user: string): Promise<string> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user });
    const id = (await waitFor('queued', () => bridge.app.get(ConversationRepository).findActive(bot, user))).id;
    await page.locator(`[data-testid=queue-item][data-conversation-id="${id}"] [data-testid=accept]`).click();
    await page.locator('[data-testid=my-conversation]').first().waitFor();
    return id;
  }

  async function shownLink(): Promise<string> {
    await admin.waitForFunction(() => (document.querySelector('[data-testid=invite-link]') as HTMLInputElement | null)?.value);
    return t(admin, 'invite-link').inputValue();
  }

  /** Typing the shortcut again until the list pushed by the server is the one shown. */
  async function cannedShows(page: Page, query: string, text: string): Promise<void> {
    await waitFor(`canned "${text}"`, async () => {
      await t(page, 'composer').fill('');
      await t(page, 'composer').fill(query);
      return (await page.locator('#canned-list').textContent())?.includes(text) || null;
    });
  }

  /** The close dialog's choices, opened again until the list pushed by the server is the one shown. */
  async function closeOffers(page: Page, labels: string[]): Promise<void> {
    await waitFor('dispositions offered', async () => {
      if (await page.locator('#close-dialog[open]').count()) await page.keyboard.press('Escape');
      await t(page, 'close-button').click();
      const offered = await page.locator('[data-testid=close-disposition] option').allTextContents();
      return JSON.stringify(offered) === JSON.stringify(labels) || null;
    });
  }

  async function setPasswordWithLink(link: string, password: string, shotName?: string): Promise<void> {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(local(link));
    await t(page, 'setpw-for').filter({ hasText: '@example.com' }).waitFor();
    // The token leaves the address bar at once.
    expect(page.url()).not.toContain('token');
    await t(page, 'setpw-password').fill(password);
    await t(page, 'setpw-again').fill(password);
    if (shotName) await shot(page, shotName);
    await t(page, 'setpw-submit').click();
    await t(page, 'setpw-done').waitFor();
    if (shotName) await shot(page, `${shotName}-done`);
    await page.close();
  }

  it('is linked from the console header for admins only, and refuses everyone else', async () => {
    await shot(admin, 'console-admin-link');
    // In a tab of its own, so the admin's console stays connected (and keeps their chats).
    const console_ = admin;
    [admin] = await Promise.all([console_.waitForEvent('popup'), t(console_, 'admin-link').click()]);
    admin.setDefaultTimeout(10_000);
    await admin.setViewportSize({ width: 1366, height: 768 });
    await row('ann@example.com').waitFor();
    expect(await console_.locator('[data-testid=connection]').textContent()).toContain('Connected');
    expect(await admin.locator('[data-testid=agent-row]').count()).toBe(3);
    await shot(admin, 'admin-agents');

    const ann = await signIn('ann@example.com');
    expect(await t(ann, 'admin-link').isHidden()).toBe(true);
    await ann.goto(`${bridge.url}/console/admin.html`);
    await t(ann, 'admin-gate').filter({ hasText: 'Only admins can use this page.' }).waitFor();
    expect(await ann.locator('[data-testid=agent-row]').count()).toBe(0);
    await shot(ann, 'admin-refused');
    await ann.close();

    const nobody = await browser.newPage();
    await nobody.goto(`${bridge.url}/console/admin.html`);
    await t(nobody, 'admin-gate').filter({ hasText: 'Sign in on the console first.' }).waitFor();
    await nobody.close();
  });

  it('creates an agent with a password, who then signs in; the display name is what the customer sees', async () => {
    await openTab('agents');
    await t(admin, 'agent-add').click();
    await t(admin, 'agent-email').fill('bob@example.com');
    await t(admin, 'agent-name').fill('Bob from Support');
    await t(admin, 'agent-max').fill('4');
    await t(admin, 'agent-access-password').check();
    await t(admin, 'agent-password').fill('bob password 1');
    await shot(admin, 'admin-agent-add');
    await t(admin, 'agent-save').click();
    await row('bob@example.com').filter({ hasText: 'Bob from Support' }).waitFor();

    // A taken email is refused in the dialog.
    await t(admin, 'agent-add').click();
    await t(admin, 'agent-email').fill('BOB@example.com');
    await t(admin, 'agent-name').fill('Another Bob');
    await t(admin, 'agent-save').click();
    await t(admin, 'agent-error').filter({ hasText: 'exists already' }).waitFor();
    await shot(admin, 'admin-agent-add-conflict');
    await admin.keyboard.press('Escape');

    const bob = await signIn('bob@example.com', 'bob password 1');
    expect(await bob.locator('#me-name').textContent()).toBe('Bob from Support');
    const user = await browser.newPage();
    await user.goto(`${sim.url}/?userId=u-bob`);
    await user.waitForFunction(() => /connected/i.test(document.querySelector('#status')?.textContent ?? ''));
    await user.fill('#text', 'I want a human agent please');
    await user.click('#send');
    await bob.locator('[data-testid=queue-item] [data-testid=accept]').first().click();
    await user.waitForFunction(() => (document.querySelector('#log')?.textContent ?? '').includes('Bob from Support has joined the chat.'));
    await t(bob, 'close-button').click();
    await t(bob, 'close-confirm').click();
    await user.close();
    await bob.close();
  });

  it('invites an agent with a one-time link shown to the admin', async () => {
    await openTab('agents');
    await t(admin, 'agent-add').click();
    await t(admin, 'agent-email').fill('ivy@example.com');
    await t(admin, 'agent-name').fill('Ivy');
    await t(admin, 'agent-role').selectOption('supervisor');
    await t(admin, 'agent-save').click();
    const link = await shownLink();
    expect(link).toMatch(/\/console\/set-password\.html#token=[A-Za-z0-9_-]{43}$/);
    await shot(admin, 'admin-invite-link');
    await t(admin, 'link-done').click();
    await row('ivy@example.com').filter({ hasText: 'Invited' }).waitFor();

    await setPasswordWithLink(link, 'ivy sets her own', 'set-password');
    await row('ivy@example.com').waitFor();
    const ivy = await signIn('ivy@example.com', 'ivy sets her own');
    await ivy.close();
    // Used once: the same link now says so.
    const again = await browser.newPage();
    await again.goto(local(link));
    await t(again, 'setpw-error').filter({ hasText: 'not valid any more' }).waitFor();
    await shot(again, 'set-password-used');
    await again.close();
  });

  it('edits an agent; their open console picks up the new name and limit', async () => {
    const ann = await signIn('ann@example.com');
    await openTab('agents');
    await row('ann@example.com').locator('[data-testid=agent-edit]').click();
    expect(await t(admin, 'agent-email').isDisabled()).toBe(true);
    await t(admin, 'agent-name').fill('Ann Lee');
    await t(admin, 'agent-max').fill('6');
    await shot(admin, 'admin-agent-edit');
    await t(admin, 'agent-save').click();
    await row('ann@example.com').filter({ hasText: 'Ann Lee' }).waitFor();
    await ann.waitForFunction(() => document.querySelector('#me-name')?.textContent === 'Ann Lee', undefined, { timeout: 15_000 });
    await ann.waitForFunction(() => document.querySelector('[data-testid=connection]')?.textContent?.includes('Connected'));
    expect(await ann.locator('#me-load').textContent()).toContain('/6 chats');
    await ann.close();
  });

  it('deactivates an agent: their console is signed out and cannot reconnect, their chat goes back to the queue', async () => {
    const sue = await signIn('sue@example.com');
    const id = await acceptedChat(sue, 'u-deactivate');
    await openTab('agents');
    await row('sue@example.com').locator('[data-testid=agent-toggle]').click();
    await shot(admin, 'admin-agent-deactivate');
    await t(admin, 'confirm-ok').click();
    await row('sue@example.com').locator('[data-testid=agent-status]').filter({ hasText: 'Deactivated' }).waitFor();
    await t(admin, 'status-line').filter({ hasText: '1 conversation(s) went back to the queue' }).waitFor();
    await shot(admin, 'admin-agent-deactivated');

    await sue.locator('#signin').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await sue.locator('#signin-notice').textContent()).toContain('Your session has ended');
    await shot(sue, 'admin-deactivated-agent-signed-out');
    expect((await bridge.app.get(ConversationRepository).findById(id))?.state).toBe('queued');
    await signInFails('sue@example.com', PASSWORD);
    await sue.close();

    await row('sue@example.com').locator('[data-testid=agent-toggle]').click();
    await row('sue@example.com').locator('[data-testid=agent-status]').filter({ hasText: 'Active' }).waitFor();
    (await signIn('sue@example.com')).close();
  });

  it('resets a password with a new link; the old password stops working', async () => {
    await openTab('agents');
    await row('bob@example.com').locator('[data-testid=agent-reset]').click();
    await t(admin, 'confirm-ok').click();
    const link = await shownLink();
    await shot(admin, 'admin-reset-link');
    await t(admin, 'link-done').click();
    await signInFails('bob@example.com', 'bob password 1');
    await setPasswordWithLink(link, 'bob password 2');
    (await signIn('bob@example.com', 'bob password 2')).close();
  });

  it('manages canned responses, which open consoles use at once through their shortcut', async () => {
    const ann = await signIn('ann@example.com');
    await acceptedChat(ann, 'u-canned');
    await openTab('canned');
    await t(admin, 'canned-add').click();
    await t(admin, 'canned-shortcut').fill('/refund');
    await t(admin, 'canned-title-input').fill('Refund policy');
    await t(admin, 'canned-text').fill('Refunds take 5 working days.');
    await t(admin, 'canned-save').click();
    const refund = admin.locator('[data-testid=canned-row][data-shortcut=refund]');
    await refund.waitFor();

    // The shortcut is taken: said in the dialog.
    await t(admin, 'canned-add').click();
    await t(admin, 'canned-shortcut').fill('refund');
    await t(admin, 'canned-title-input').fill('Twice');
    await t(admin, 'canned-text').fill('x');
    await t(admin, 'canned-save').click();
    await t(admin, 'canned-error').filter({ hasText: 'exists already' }).waitFor();
    await admin.keyboard.press('Escape');

    await refund.locator('[data-testid=canned-edit]').click();
    await t(admin, 'canned-text').fill('Refunds take 3 working days.');
    await shot(admin, 'admin-canned-edit');
    await t(admin, 'canned-save').click();
    await refund.filter({ hasText: '3 working days' }).waitFor();
    await shot(admin, 'admin-canned');

    // Ann's console had its list before the change; the pushed list has the edit, no reload.
    await cannedShows(ann, '/refu', '3 working days');
    await t(ann, 'canned-item').filter({ hasText: '3 working days' }).click();
    expect(await t(ann, 'composer').inputValue()).toBe('Refunds take 3 working days.');
    await t(ann, 'composer').fill('');

    await refund.locator('[data-testid=canned-delete]').click();
    await t(admin, 'confirm-ok').click();
    await refund.waitFor({ state: 'detached' });
    await cannedShows(ann, '/refu', 'No canned response matches.');
    await ann.close();
  });

  it('manages dispositions, which the close dialog offers at once', async () => {
    const ann = await signIn('ann@example.com');
    const id = await acceptedChat(ann, 'u-dispositions');
    await openTab('dispositions');
    await t(admin, 'disposition-add').click();
    await t(admin, 'disposition-label').fill('Billing issue');
    expect(await admin.locator('#disposition-code').textContent()).toBe('billing-issue');
    await shot(admin, 'admin-disposition-add');
    await t(admin, 'disposition-save').click();
    const billing = admin.locator('[data-testid=disposition-row][data-code=billing-issue]');
    await billing.waitFor();
    const spam = admin.locator('[data-testid=disposition-row][data-code=spam]');
    await spam.locator('[data-testid=disposition-active]').uncheck();
    await t(admin, 'status-line').filter({ hasText: 'Spam is no longer offered' }).waitFor();
    for (let i = 0; i < 4; i++) {
      await billing.locator('[data-testid=disposition-up]').click();
      await admin.waitForFunction((n) => document.querySelectorAll('[data-testid=disposition-row]')[4 - n - 1]?.getAttribute('data-code') === 'billing-issue', i);
    }
    await admin.locator('[data-testid=disposition-row][data-code=follow-up] [data-testid=disposition-edit]').click();
    await t(admin, 'disposition-label').fill('Call back');
    await t(admin, 'disposition-save').click();
    await admin.locator('[data-testid=disposition-row][data-code=follow-up]').filter({ hasText: 'Call back' }).waitFor();
    await shot(admin, 'admin-dispositions');

    await closeOffers(ann, ['No outcome', 'Billing issue', 'Resolved', 'Call back', 'Other']);
    await t(ann, 'close-disposition').selectOption({ label: 'Billing issue' });
    await shot(ann, 'console-close-dispositions');
    await t(ann, 'close-confirm').click();
    await t(ann, 'closed-banner').waitFor();
    expect((await db.query(`SELECT disposition FROM conversations WHERE id = $1`, [id])).rows[0].disposition).toBe('billing-issue');
    await ann.close();
  });
});
