/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { ConversationRepository, DeskTeamsService, HandoffService } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { PASSWORD, byTestId, consoleSignIn, fillSignIn, launchChromium, screenshot } from './browser';

const bot = TEST_BOT.botId;

/** A supervisor's day in real headless Chromium: the board, watching, whisper, take-over, reassign, and the ops pages. */
jest.setTimeout(150_000);

describe('supervisor board in a browser', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let browser: Browser;

  beforeAll(async () => {
    env = await createTestEnvironment('console_supervisor_browser');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false, disconnectGraceSeconds: 30 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    await agents.create({ email: 'ben@example.com', name: 'Ben', role: 'agent', passwordHash: hash });
    await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash, maxChats: 5 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  const t = byTestId;
  const shot = (page: Page, name: string) => screenshot(page, name, false);


  async function signIn(email: string): Promise<Page> {
    return consoleSignIn(browser, bridge.url, email, { viewport: { width: 1366, height: 768 } });
  }

  const userLog = (user: Page) => user.locator('#log').textContent().then((text) => text ?? '');

  it('watches, whispers, takes over and reassigns a chat from the board', async () => {
    const ann = await signIn('ann@example.com');
    const sue = await signIn('sue@example.com');
    expect(await t(ann, 'board-link').isHidden()).toBe(true);
    // The board opens in a tab of its own, with the console's session.
    const [board] = await Promise.all([sue.waitForEvent('popup'), t(sue, 'board-link').click()]);
    board.setDefaultTimeout(10_000);
    await board.setViewportSize({ width: 1366, height: 768 });
    await board.waitForFunction(() => document.querySelector('[data-testid=connection]')?.textContent?.includes('Connected'));
    await t(board, 'board-agent').filter({ hasText: 'Ann' }).filter({ hasText: 'Online' }).waitFor();

    const user = await browser.newPage({ viewport: { width: 900, height: 700 } });
    await user.goto(`${sim.url}/?userId=u-watched`);
    await user.waitForFunction(() => /connected/i.test(document.querySelector('#status')?.textContent ?? ''));
    await user.fill('#text', 'I want a human agent please');
    await user.click('#send');
    const id = (await waitFor('queued', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-watched'))).id;
    const row = board.locator(`[data-testid=board-conversation][data-conversation-id="${id}"]`);
    await row.filter({ hasText: 'Waiting' }).waitFor();
    // The wait ticks on the page, with no new board from the server.
    const before = await row.locator('td.time').textContent();
    await board.waitForFunction(([sel, was]) => document.querySelector(sel!)?.textContent !== was, [`[data-conversation-id="${id}"] td.time`, before] as const);
    expect(await row.locator('td.time').textContent()).toMatch(/^waiting \d\d:\d\d$/);
    await shot(board, 'supervisor-board-waiting');

    await ann.locator(`[data-testid=queue-item][data-conversation-id="${id}"] [data-testid=accept]`).click();
    await user.waitForFunction(() => (document.querySelector('#log')?.textContent ?? '').includes('Ann has joined the chat.'));
    await row.filter({ hasText: 'With agent' }).filter({ hasText: 'Ann' }).waitFor();
    await t(board, 'board-agent').filter({ hasText: 'Ann' }).filter({ hasText: '1/3' }).waitFor();

    // Opened read-only, live: what the user and the agent write shows as it comes.
    await row.locator('[data-testid=board-open]').click();
    await user.fill('#text', 'My order never arrived');
    await user.click('#send');
    await t(ann, 'composer').fill('Sorry to hear that, let me look.');
    await t(ann, 'send').click();
    const watched = t(board, 'watch-transcript');
    await watched.locator('[data-kind=user]', { hasText: 'My order never arrived' }).waitFor();
    await watched.locator('[data-kind=agent]', { hasText: 'Sorry to hear that' }).waitFor();
    await shot(board, 'supervisor-board');

    // A whisper: Ann sees it, the user never does.
    await t(board, 'whisper-text').fill('Offer a full refund, it is our fault.');
    await t(board, 'whisper-send').click();
    await watched.locator('[data-kind=whisper]', { hasText: 'Offer a full refund' }).waitFor();
    const whisper = ann.locator('#transcript [data-kind=whisper]', { hasText: 'Offer a full refund' });
    await whisper.waitFor();
    expect(await whisper.textContent()).toContain('Whisper from Sue (supervisor)');
    await shot(ann, 'supervisor-whisper-agent');
    await shot(board, 'supervisor-whisper');
    // Ann's next reply reaches the user after the whisper was stored: the whisper would have gone before it.
    await t(ann, 'composer').fill('We will refund you in full.');
    await t(ann, 'send').click();
    await user.waitForFunction(() => (document.querySelector('#log')?.textContent ?? '').includes('We will refund you in full.'));
    expect(await userLog(user)).not.toContain('Offer a full refund');
    expect(sim.delivered(bot, 'u-watched').join('\n')).not.toContain('Offer a full refund');

    // Take-over: Ann is told and loses the chat; Sue chats with the user.
    await t(board, 'take-over').click();
    await t(ann, 'closed-banner').filter({ hasText: 'taken over by a supervisor' }).waitFor();
    expect(await t(ann, 'composer').isDisabled()).toBe(true);
    await shot(ann, 'supervisor-takeover-agent');
    await user.waitForFunction(() => (document.querySelector('#log')?.textContent ?? '').includes('Sue has joined the chat.'));
    await row.filter({ hasText: 'Sue' }).waitFor();
    await t(board, 'reply-text').fill('Hi, I am Sue, the supervisor. Your refund is on its way.');
    await t(board, 'reply-send').click();
    await user.waitForFunction(() => (document.querySelector('#log')?.textContent ?? '').includes('Your refund is on its way.'));
    await user.fill('#text', 'Thank you Sue!');
    await user.click('#send');
    await watched.locator('[data-kind=user]', { hasText: 'Thank you Sue!' }).waitFor();
    await shot(board, 'supervisor-takeover');
    await shot(user, 'supervisor-user');

    // Reassign to an agent available now.
    const ben = await signIn('ben@example.com');
    await t(board, 'reassign-agent').locator('option', { hasText: 'Ben' }).waitFor({ state: 'attached' });
    await t(board, 'reassign-agent').selectOption({ label: 'Ben (0/3)' });
    await t(board, 'reassign').click();
    await ben.locator(`[data-testid=my-conversation]`).first().waitFor();
    await user.waitForFunction(() => (document.querySelector('#log')?.textContent ?? '').includes('Ben has joined the chat.'));
    await row.filter({ hasText: 'Ben' }).waitFor();
    await t(board, 'board-agent').filter({ hasText: 'Ben' }).filter({ hasText: '1/3' }).waitFor();
    await ben.locator('#transcript [data-kind=whisper]', { hasText: 'Offer a full refund' }).waitFor();
    await shot(board, 'supervisor-reassign');
    await shot(ben, 'supervisor-reassign-agent');

    // Agents are turned away from the board.
    await ann.goto(`${bridge.url}/console/board.html`);
    await t(ann, 'board-gate').filter({ hasText: 'Only supervisors and admins' }).waitFor();
    await shot(ann, 'supervisor-board-refused');
    for (const page of [ann, ben, board, sue, user]) await page.close();
  });

  it("shows each waiting chat's team by name, General without one, and follows a move", async () => {
    const sue = await signIn('sue@example.com');
    const [board] = await Promise.all([sue.waitForEvent('popup'), t(sue, 'board-link').click()]);
    board.setDefaultTimeout(10_000);
    await board.setViewportSize({ width: 1366, height: 768 });
    await board.waitForFunction(() => document.querySelector('[data-testid=connection]')?.textContent?.includes('Connected'));
    const teams = bridge.app.get(DeskTeamsService);
    const billing = await teams.create({ name: 'Billing' });
    const refunds = await teams.create({ name: 'Refunds' });
    if (typeof billing === 'string' || typeof refunds === 'string') throw new Error('team not created');
    await teams.replaceRules([{ botId: null, trigger: null, contextPath: 'session.BotUserSession.topic', contextValue: 'invoice', teamId: billing.id }]);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-invoice', body: { context: { session: { BotUserSession: { topic: 'invoice' } } } } });
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-general' });
    const conversations = bridge.app.get(ConversationRepository);
    const invoice = await waitFor('u-invoice queued', () => conversations.findActive(bot, 'u-invoice'));
    const general = await waitFor('u-general queued', () => conversations.findActive(bot, 'u-general'));
    const teamCell = (id: string) => board.locator(`[data-testid=board-conversation][data-conversation-id="${id}"] td`).nth(3);
    await board.waitForFunction(([sel, text]) => document.querySelector(sel!)?.textContent === text, [`[data-conversation-id="${invoice.id}"] td:nth-child(4)`, 'Billing'] as const);
    await board.waitForFunction(([sel, text]) => document.querySelector(sel!)?.textContent === text, [`[data-conversation-id="${general.id}"] td:nth-child(4)`, 'General'] as const);
    expect([await teamCell(invoice.id).textContent(), await teamCell(general.id).textContent()]).toEqual(['Billing', 'General']);
    await shot(board, 'supervisor-board-teams');

    expect(await teams.moveToTeam(invoice, refunds.id, 'supervisor:test')).not.toBeNull();
    await board.waitForFunction(([sel, text]) => document.querySelector(sel!)?.textContent === text, [`[data-conversation-id="${invoice.id}"] td:nth-child(4)`, 'Refunds'] as const);
    await teams.replaceRules([]);
    for (const c of [invoice, general]) await bridge.app.get(HandoffService).end(c.id, 'user_ended', 'test');
    for (const page of [board, sue]) await page.close();
  });

  it('opens the ops pages through the console sign-in, for supervisors only', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    // No browser prompt: a dialog or an auth challenge would fail the test here.
    page.on('dialog', () => {
      throw new Error('the ops page asked through a browser dialog');
    });
    const challenges: string[] = [];
    page.on('response', (res) => {
      const challenge = res.headers()['www-authenticate'];
      if (challenge) challenges.push(challenge);
    });
    await page.goto(`${bridge.url}/ops`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/ops');
    await shot(page, 'supervisor-ops-signin');
    await fillSignIn(page, 'sue@example.com');
    await page.waitForURL(`${bridge.url}/ops`);
    await page.locator('h1', { hasText: 'agent-bridge: hand-offs' }).waitFor();
    await shot(page, 'supervisor-ops');
    await page.goto(`${bridge.url}/ops/queues`);
    await page.locator('text=agent-bridge queues').first().waitFor();
    await shot(page, 'supervisor-ops-queues');
    expect(challenges).toEqual([]);
    await context.close();

    // An agent signs in and stays on the console, told why.
    const agentContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const agentPage = await agentContext.newPage();
    agentPage.setDefaultTimeout(10_000);
    await agentPage.goto(`${bridge.url}/ops`);
    await fillSignIn(agentPage, 'ann@example.com');
    await t(agentPage, 'status-line').filter({ hasText: 'The ops pages are for supervisors and admins.' }).waitFor();
    expect(new URL(agentPage.url()).pathname).toBe('/console/');
    await agentPage.goto(`${bridge.url}/ops`);
    expect(new URL(agentPage.url()).pathname).toBe('/console/');
    await agentContext.close();
  });
});
