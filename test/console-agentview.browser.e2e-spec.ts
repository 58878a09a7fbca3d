/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';
import { PASSWORD, byTestId, consoleSignIn, launchChromium, screenshot, userChatPage } from './browser';

const bot = TEST_BOT.botId;
const XSS = '<img src=x onerror="window.__pwned=1">';

const BUTTONS = JSON.stringify({
  type: 'template',
  payload: {
    template_type: 'button',
    text: 'What do you want to do next?',
    buttons: [
      { type: 'web_url', title: 'Track my order', url: 'https://shop.example.com/track' },
      { type: 'postback', title: `Talk ${XSS}`, payload: 'TALK' },
    ],
  },
});
const QUICK_REPLIES = JSON.stringify({
  type: 'template',
  payload: { template_type: 'quick_replies', text: `Pick a size ${XSS}`, quick_replies: [{ content_type: 'text', title: 'Small', payload: 'S' }, { content_type: 'text', title: 'Large', payload: 'L' }] },
});
const CAROUSEL = JSON.stringify({
  type: 'template',
  payload: { template_type: 'carousel', elements: [
    { title: 'Classic T-Shirt', subtitle: 'Soft cotton', image_url: 'https://shop.example.com/t.png', buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY' }] },
    { title: `Hoodie ${XSS}`, subtitle: 'Warm' },
  ] },
});

/**
 * The agent's view in real headless Chromium: the context panel, the disposition of a closed chat,
 * a past conversation read-only, Kore templates made readable (and escaped), the history page's
 * labels and local times, and a transfer list of available agents only.
 */
jest.setTimeout(120_000);

describe("the agent's view in a browser", () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let browser: Browser;
  const clients: ConsoleClient[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment('console_agentview');
    bridge = await startBridge(testConfig(env, {
      handoff: { provider: 'console', keywords: ['operator'] },
      console: {
        autoAssign: false,
        disconnectGraceSeconds: 30,
        contextFields: [
          { label: 'Plan', path: 'session.BotUserSession.plan' },
          { label: 'Language', path: 'session.BotUserSession.lang' },
          { label: 'Order', path: 'session.BotUserSession.order' },
        ],
      },
    }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    for (const [email, name, maxChats] of [['ann', 'Ann', 3], ['ben', 'Ben', 3], ['cat', 'Cat', 3], ['dan', 'Dan', 3], ['eve', 'Eve', 1]] as const) {
      await agents.create({ email: `${email}@example.com`, name, role: 'agent', passwordHash: hash, maxChats });
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await browser?.close();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  const t = byTestId;

  async function agentPage(email: string): Promise<Page> {
    return consoleSignIn(browser, bridge.url, email, { viewport: { width: 1366, height: 800 } });
  }

  async function socketAgent(email: string): Promise<ConsoleClient> {
    const { body } = await ConsoleClient.signIn(bridge.url, email, PASSWORD);
    const client = new ConsoleClient(bridge.url, body.token);
    clients.push(client);
    await client.connected();
    await client.waitForEvent('session');
    return client;
  }

  async function userPage(userId: string): Promise<Page> {
    return userChatPage(browser, sim.url, userId);
  }

  async function userSays(page: Page, text: string): Promise<void> {
    await page.fill('#text', text);
    await page.click('#send');
  }

  const userSees = (page: Page, text: string) => page.waitForFunction((t) => (document.querySelector('#log')?.textContent ?? '').includes(t), text);
  const active = (user: string) => waitFor(`${user} queued`, () => bridge.app.get(ConversationRepository).findActive(bot, user));

  async function accept(page: Page, conversationId: string): Promise<void> {
    const item = page.locator(`[data-testid=queue-item][data-conversation-id="${conversationId}"]`);
    await item.locator('[data-testid=accept]').click();
    await page.locator(`[data-testid=my-conversation][data-conversation-id="${conversationId}"][aria-current]`).waitFor();
  }

  it('shows the context, the past conversations with their outcome, templates read as the user saw them, and a labelled history', async () => {
    const ann = await agentPage('ann@example.com');
    const user = await userPage('u-view');

    // With the bot: a greeting and a button template (one title carries markup).
    await userSays(user, 'hello');
    await userSees(user, 'Hello');
    await sim.sendEvent({ botId: bot, event: 'on_bot_message', userId: 'u-view', message: BUTTONS });
    await userSees(user, 'What do you want to do next?');

    // A first session: the Agent Transfer node; Ann answers and closes it as resolved.
    await userSays(user, 'I want a human agent please');
    await userSees(user, 'An agent will be with you shortly.');
    const first = (await active('u-view')).id;
    await accept(ann, first);
    await t(ann, 'composer').fill('Let me check that for you.');
    await t(ann, 'composer').press('Enter');
    await userSees(user, 'Let me check that for you.');
    await t(ann, 'context-reason').filter({ hasText: "The bot's Agent Transfer node" }).waitFor();
    await t(ann, 'close-button').click();
    await t(ann, 'close-disposition').selectOption('resolved');
    await t(ann, 'close-confirm').click();
    await userSees(user, 'You are back with the assistant.');
    await t(ann, 'closed-banner').filter({ hasText: 'Outcome: Resolved' }).waitFor();
    await ann.locator('[data-testid=my-conversation]', { hasText: 'Resolved' }).waitFor();
    await screenshot(ann, 'agentview-closed', false);
    await waitFor('closed', async () => (await bridge.app.get(ConversationRepository).findById(first))?.state === 'closed');

    // The user comes back and asks for an operator by keyword; the bot has collected a few things.
    await sim.sendEvent({
      botId: bot, event: 'on_user_message', userId: 'u-view', message: 'Can I speak to an operator?',
      body: { context: { session: { BotUserSession: { plan: 'Gold', lang: 'fr', order: { id: 'A-17' } } } } },
    });
    const second = (await active('u-view')).id;
    await accept(ann, second);
    const panel = t(ann, 'context-panel');
    await t(ann, 'context-reason').filter({ hasText: 'A keyword the user wrote: “operator”' }).waitFor();
    const user_ = await t(ann, 'context-user').innerText();
    expect(user_).toMatch(/Name\s+Sandbox User/);
    expect(user_).toMatch(/Channel\s+rtm/);
    expect(user_).toMatch(/Visitor id\s+u-view/);
    const fields = await t(ann, 'context-fields').innerText();
    expect(fields).toMatch(/Plan\s+Gold/);
    expect(fields).toMatch(/Language\s+fr/);
    expect(fields).toContain('{"id":"A-17"}');
    const past = ann.locator('[data-testid=past-conversation]');
    expect(await past.count()).toBe(1);
    expect(await past.first().getAttribute('data-conversation-id')).toBe(first);
    expect(await past.first().locator('[data-testid=past-outcome]').innerText()).toBe('Resolved');
    expect(await past.first().innerText()).toContain('With Ann');
    expect(await panel.isVisible()).toBe(true);
    await screenshot(ann, 'agentview-context', false);

    // The past conversation opens read-only.
    await past.first().locator('button').click();
    const dialog = t(ann, 'past-dialog');
    await dialog.locator('[data-testid=message][data-kind=agent]', { hasText: 'Let me check that for you.' }).waitFor();
    expect(await dialog.locator('[data-testid=message][data-kind=agent] .meta').first().innerText()).toContain('Ann');
    expect(await t(ann, 'past-meta').innerText()).toContain('Resolved');
    expect(await dialog.locator('textarea, input:not([type=hidden])').count()).toBe(0);
    await screenshot(ann, 'agentview-past', false);
    await dialog.locator('[data-cancel]').click();

    // Templates reaching the agent read as the user saw them: text, choices as a list, cards by title; markup stays text.
    for (const message of [QUICK_REPLIES, CAROUSEL]) await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-view', message });
    const templates = t(ann, 'transcript').locator('[data-testid=template]');
    await ann.waitForFunction(() => document.querySelectorAll('[data-testid=transcript] [data-testid=template]').length === 2);
    const quick = templates.nth(0);
    expect(await quick.locator('p').first().innerText()).toBe(`Pick a size ${XSS}`);
    expect(await quick.locator('.choices li').allInnerTexts()).toEqual(['Small', 'Large']);
    const carousel = templates.nth(1);
    expect(await carousel.locator('.card strong').allInnerTexts()).toEqual(['Classic T-Shirt', `Hoodie ${XSS}`]);
    expect(await carousel.locator('a', { hasText: 'Image' }).getAttribute('href')).toBe('https://shop.example.com/t.png');
    const transcriptText = await t(ann, 'transcript').innerText();
    expect(transcriptText).not.toContain('template_type');
    expect(transcriptText).not.toContain('{"');
    expect(await ann.evaluate(() => document.querySelectorAll('[data-testid=transcript] img').length)).toBe(0);
    expect(await ann.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await t(ann, 'transcript').locator('[data-testid=template]').last().scrollIntoViewIfNeeded();
    await screenshot(ann, 'agentview-template', false);

    // The history page, in a reader's own time zone: who spoke on each line, and the template readable.
    const href = await t(ann, 'history-link').getAttribute('href');
    const context = await browser.newContext({ timezoneId: 'Asia/Kolkata', locale: 'en-GB', viewport: { width: 900, height: 1000 } });
    const history = await context.newPage();
    const response = await history.goto(href!.replace(/^https?:\/\/[^/]+/, bridge.url));
    expect(response!.status()).toBe(200);
    const lines = await history.$$eval('li[data-speaker]', (items) => items.map((li) => [li.getAttribute('data-speaker'), li.querySelector('.who')?.textContent, li.querySelector('p')?.textContent]));
    expect(lines).toEqual(expect.arrayContaining([
      ['user', 'User', 'hello'],
      ['user', 'User', 'I want a human agent please'],
      ['system', 'System', 'An agent will be with you shortly.'],
      ['agent', 'Ann', 'Let me check that for you.'],
      ['bot', 'Bot', 'What do you want to do next?'],
    ]));
    expect(lines.some(([speaker, , text]) => speaker === 'bot' && text === 'Let me check that for you.')).toBe(false);
    const button = history.locator('li[data-speaker=bot] .template[data-template=button]');
    expect(await button.locator('.choices li').allInnerTexts()).toEqual(['Track my order', `Talk ${XSS}`]);
    expect(await button.locator('a', { hasText: 'Track my order' }).getAttribute('href')).toBe('https://shop.example.com/track');
    expect(await history.textContent('body')).not.toContain('template_type');
    expect(await history.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(await history.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // Times in the reader's zone (UTC+5:30, no daylight saving), not UTC.
    const times = await history.$$eval('time[datetime]', (nodes) => nodes.map((n) => [n.getAttribute('datetime')!, n.textContent!]));
    expect(times.length).toBeGreaterThan(4);
    for (const [iso, shown] of times) {
      const local = new Date(Date.parse(iso) + 5.5 * 3600_000);
      const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
      expect(shown).toContain(hhmm);
      expect(shown).not.toContain('UTC');
    }
    await screenshot(history, 'agentview-history');
    await context.close();
    await user.close();
    await ann.close();
  });

  it('offers a transfer to available agents only, showing those at capacity as full', async () => {
    const ann = await agentPage('ann@example.com');
    const ben = await agentPage('ben@example.com');
    // Cat never signs in; Dan is away; Eve (one chat at most) is busy.
    const dan = await socketAgent('dan@example.com');
    expect((await dan.call('presence:set', { status: 'away' })).ok).toBe(true);
    const eve = await socketAgent('eve@example.com');
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-eve' });
    expect((await eve.call('queue:accept', { conversationId: (await active('u-eve')).id })).ok).toBe(true);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-move' });
    const id = (await active('u-move')).id;
    await accept(ann, id);
    await t(ann, 'transfer-button').click();
    const select = t(ann, 'transfer-agent');
    await select.locator('option', { hasText: 'Eve' }).waitFor({ state: 'attached' });
    const options = await select.locator('option').evaluateAll((nodes) => nodes.map((n) => [n.textContent, (n as HTMLOptionElement).disabled]));
    expect(options).toEqual([
      ['Choose an agent…', false],
      ['Ben — 0/3 chats', false],
      ['Eve — 1/1 chats (full)', true],
    ]);
    await screenshot(ann, 'agentview-transfer', false);
    await select.selectOption({ label: 'Ben — 0/3 chats' });
    await t(ann, 'transfer-confirm').click();
    await ben.locator(`[data-testid=my-conversation][data-conversation-id="${id}"]`).waitFor();
    for (const page of [ann, ben]) await page.close();
  });
});
