/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { AgentRepository, ConsoleGateway, hashPassword } from '@agent-bridge/console';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { PASSWORD, byTestId, consoleSignIn, launchChromium, screenshot, userChatPage } from './browser';

const bot = TEST_BOT.botId;

/**
 * The console in real headless Chromium (Debian's, driven by playwright-core) against the bridge,
 * with the user on the platform sandbox's own chat page (Kore's web socket channel).
 */
jest.setTimeout(120_000);

describe('agent console in a browser', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let browser: Browser;

  beforeAll(async () => {
    env = await createTestEnvironment('console_browser');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false, disconnectGraceSeconds: 30 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    await agents.create({ email: 'ben@example.com', name: 'Ben', role: 'agent', passwordHash: hash });
    await agents.addCannedResponse('thanks', 'Thanks', 'Thank you for waiting!');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  const t = byTestId;

  async function agentPage(email: string): Promise<Page> {
    return consoleSignIn(browser, bridge.url, email, { viewport: { width: 1366, height: 768 } });
  }

  async function userPage(userId: string): Promise<Page> {
    return userChatPage(browser, sim.url, userId);
  }

  async function userSays(page: Page, text: string): Promise<void> {
    await page.fill('#text', text);
    await page.click('#send');
  }

  const userSees = (page: Page, text: string) => page.waitForFunction((t) => (document.querySelector('#log')?.textContent ?? '').includes(t), text);

  it('takes a conversation from the queue to the end', async () => {
    const ann = await agentPage('ann@example.com');
    await screenshot(ann, 'console-empty', false);
    const wrong = await browser.newPage();
    await wrong.goto(`${bridge.url}/console/`);
    await t(wrong, 'signin-email').fill('ann@example.com');
    await t(wrong, 'signin-password').fill('not it');
    await t(wrong, 'signin-submit').click();
    await t(wrong, 'signin-error').waitFor();
    await screenshot(wrong, 'console-signin-error', false);
    await wrong.close();

    // The user asks the sandbox's scripted bot for a human: the Agent Transfer node fires.
    const user = await userPage('u-web');
    await userSays(user, 'hello');
    await userSees(user, 'Hello');
    await userSays(user, 'I want a human agent please');
    await userSees(user, 'An agent will be with you shortly.');
    await userSees(user, 'You are number 1 in the queue.');
    const item = ann.locator('[data-testid=queue-item]').first();
    await item.waitFor();
    await screenshot(ann, 'console-queue', false);
    await item.locator('[data-testid=accept]').click();
    await userSees(user, 'Ann has joined the chat.');

    // Both ways, with markup shown as text on the agent's side.
    await userSays(user, '<b>bold?</b><img src=x onerror="window.__pwned=1">');
    await ann.waitForFunction(() => [...document.querySelectorAll('[data-testid=message][data-kind=user]')].some((n) => n.textContent?.includes('<b>bold?</b>')));
    expect(await ann.evaluate(() => document.querySelectorAll('[data-testid=transcript] b, [data-testid=transcript] img').length)).toBe(0);
    expect(await ann.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await t(ann, 'composer').fill('Hi! Let me look into it.');
    await t(ann, 'composer').press('Enter');
    await userSees(user, 'Hi! Let me look into it.');

    // The user typing shows on the agent's side.
    await user.type('#text', 'typing slowly', { delay: 30 });
    await t(ann, 'typing-indicator').filter({ hasText: 'typing' }).waitFor();
    await screenshot(ann, 'console-chat', false);
    await user.fill('#text', '');

    // The history link opens the user's history with the bot, escaped.
    const href = await t(ann, 'history-link').getAttribute('href');
    expect(href).toMatch(/\/history\//);
    const history = await browser.newPage();
    const response = await history.goto(href!.replace(/^https?:\/\/[^/]+/, bridge.url));
    expect(response!.status()).toBe(200);
    expect(await history.textContent('body')).toContain('I want a human agent please');
    await screenshot(history, 'history', false);
    await history.close();

    // A dropped connection mid-chat: the page reconnects and fetches what it missed.
    const gateway = bridge.app.get(ConsoleGateway);
    for (const socket of gateway.namespace.sockets.values()) socket.conn.close();
    await userSays(user, 'did you get this while you were away?');
    await ann.waitForFunction(() => [...document.querySelectorAll('[data-testid=message][data-kind=user]')].some((n) => n.textContent?.includes('while you were away')), undefined, { timeout: 15_000 });
    await ann.waitForFunction(() => document.querySelector('[data-testid=connection]')?.textContent?.includes('Connected'));

    // Canned response, then a transfer to Ben with a note.
    const ben = await agentPage('ben@example.com');
    await t(ann, 'composer').fill('/thanks');
    await t(ann, 'canned-item').first().click();
    expect(await t(ann, 'composer').inputValue()).toBe('Thank you for waiting!');
    await t(ann, 'composer').press('Enter');
    await userSees(user, 'Thank you for waiting!');
    await t(ann, 'transfer-button').click();
    await t(ann, 'transfer-agent').selectOption({ label: await t(ann, 'transfer-agent').locator('option', { hasText: 'Ben' }).first().innerText() });
    await t(ann, 'transfer-note').fill('Billing question, be nice');
    await screenshot(ann, 'console-transfer', false);
    await t(ann, 'transfer-confirm').click();
    await userSees(user, 'Ben has joined the chat.');
    await ben.locator('[data-testid=my-conversation]').first().click();
    await ben.waitForFunction(() => [...document.querySelectorAll('[data-testid=message][data-kind=note]')].some((n) => n.textContent?.includes('Billing question')));

    // Ben closes with a disposition; the user is back with the bot and the platform cleared once.
    await t(ben, 'close-button').click();
    await t(ben, 'close-disposition').selectOption('resolved');
    await t(ben, 'close-confirm').click();
    await userSees(user, 'You are back with the assistant.');
    await t(ben, 'closed-banner').waitFor();
    await screenshot(ben, 'console-closed', false);
    await sim.waitForCalls({ fn: 'clearAgentSession', userId: 'u-web' }, 1, 10_000);
    await screenshot(user, 'user-chat', false);
    for (const page of [ann, ben, user]) await page.close();
  });

  it('gives a conversation to exactly one of two agents racing to accept it', async () => {
    const ann = await agentPage('ann@example.com');
    const ben = await agentPage('ben@example.com');
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-race' });
    const accepts = [ann, ben].map((page) => page.locator('[data-testid=queue-item] [data-testid=accept]').first());
    await Promise.all(accepts.map((a) => a.waitFor()));
    // A loser's button can leave its queue before its click lands (the winner's accept went first):
    // that click finds nothing to press, which is losing the race too; any other failure counts.
    await Promise.all(accepts.map((a) => a.click({ timeout: 3000 }).catch(async (error: unknown) => {
      if ((await a.count()) > 0) throw error;
    })));
    const owners = await waitFor('one owner', async () => {
      const counts = await Promise.all([ann, ben].map((p) => p.locator('[data-testid=my-conversation]').count()));
      return counts[0]! + counts[1]! >= 1 ? counts : null;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const final = await Promise.all([ann, ben].map((p) => p.locator('[data-testid=my-conversation]').count()));
    expect(final.sort()).toEqual([0, 1]);
    expect(owners.reduce((a, b) => a + b)).toBe(1);
    // The loser either got "taken" back from its accept, or saw the item leave the queue first.
    const loser = final[0] === 0 ? ann : ben;
    await loser.locator('[data-testid=queue-item]').first().waitFor({ state: 'detached' });
    await screenshot(loser, 'console-race-lost', false);
    await ann.close();
    await ben.close();
  });
});
