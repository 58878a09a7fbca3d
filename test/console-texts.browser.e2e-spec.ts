/// <reference lib="dom" />
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_MESSAGES } from '@agent-bridge/config';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { PASSWORD, byTestId, consoleSignIn, launchChromium, screenshot, userChatPage } from './browser';

const bot = TEST_BOT.botId;

/**
 * The bot texts and CSAT screen in real headless Chromium, and what it changes for a user in the
 * sandbox's chat page: the new texts, then the rating question as quick replies, answered by a click.
 */
jest.setTimeout(120_000);

describe('bot texts and CSAT in a browser', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let browser: Browser;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnvironment('console_texts_browser');
    bridge = await startBridge(testConfig(env, {
      kore: { bots: { [bot]: { clientId: TEST_BOT.clientId, clientSecret: TEST_BOT.clientSecret, jwtAlgorithm: 'HS256' } } },
      handoff: { provider: 'console' },
      console: { autoAssign: false, disconnectGraceSeconds: 30 },
    }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ada@example.com', name: 'Ada Admin', role: 'admin', passwordHash: hash });
    await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await db?.end();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  const t = byTestId;
  const shot = (page: Page, name: string) => screenshot(page, name);

  async function signIn(email: string): Promise<Page> {
    return consoleSignIn(browser, bridge.url, email, { viewport: { width: 1366, height: 900 } });
  }

  async function userPage(userId: string): Promise<Page> {
    return userChatPage(browser, sim.url, userId, { viewport: { width: 800, height: 760 } });
  }

  const userSees = (page: Page, text: string) => page.waitForFunction((s) => (document.querySelector('#log')?.textContent ?? '').includes(s), text);

  it('edits a bot\'s texts and turns CSAT on; a user then sees the new texts and rates the chat with a quick reply', async () => {
    // An agent is turned away from the admin page.
    const ann = await signIn('ann@example.com');
    await ann.goto(`${bridge.url}/console/admin.html#texts`);
    await t(ann, 'admin-gate').filter({ hasText: 'Only admins can use this page.' }).waitFor();
    expect(await ann.locator('#panel-texts').isVisible()).toBe(false);
    await ann.goto(`${bridge.url}/console/`);
    await ann.waitForFunction(() => document.querySelector('[data-testid=connection]')?.textContent?.includes('Connected'));

    const ada = await signIn('ada@example.com');
    await ada.goto(`${bridge.url}/console/admin.html#texts`);
    await t(ada, 'texts-form').waitFor();
    expect(await t(ada, 'texts-bot').inputValue()).toBe(bot);
    expect(await ada.locator('[data-testid=text-field]').count()).toBe(Object.keys(DEFAULT_MESSAGES).length);
    expect(await t(ada, 'text-agentJoined').inputValue()).toBe(DEFAULT_MESSAGES.agentJoined);
    expect(await ada.locator('#text-agentJoined-hint').innerText()).toContain('Filled in: {agent}');
    expect(await t(ada, 'texts-csat').isChecked()).toBe(false);
    await shot(ada, 'texts-screen');

    await t(ada, 'text-agentJoined').fill('{agent} from Support is with you now.');
    await t(ada, 'text-csatPrompt').fill('How happy are you with our help today?');
    await t(ada, 'text-waiting').fill('');
    await t(ada, 'texts-csat').check();
    await t(ada, 'texts-save').click();
    await t(ada, 'status-line').filter({ hasText: 'Saved' }).waitFor();
    expect(await t(ada, 'text-agentJoined-custom').isVisible()).toBe(true);
    // The emptied text is back to its default, not stored.
    expect(await t(ada, 'text-waiting').inputValue()).toBe(DEFAULT_MESSAGES.waiting);
    expect(await t(ada, 'text-waiting-custom').isVisible()).toBe(false);
    const { rows } = await db.query(`SELECT texts, csat_enabled FROM bot_settings WHERE bot_id = $1`, [bot]);
    expect(rows).toEqual([{ texts: { agentJoined: '{agent} from Support is with you now.', csatPrompt: 'How happy are you with our help today?' }, csat_enabled: true }]);
    await shot(ada, 'texts-saved');

    // A bot id nobody can serve is refused; the page says so.
    await t(ada, 'texts-other-id').fill('no-such-bot');
    await t(ada, 'texts-other-open').click();
    await t(ada, 'status-line').filter({ hasText: 'No bot "no-such-bot" here' }).waitFor();

    // The user is handed over, Ann takes the chat: the new text, with her name filled in.
    const user = await userPage('u-browser');
    await user.fill('#text', 'I want a human agent please');
    await user.click('#send');
    await userSees(user, DEFAULT_MESSAGES.waiting);
    const conversation = await waitFor('queued', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-browser'));
    await ann.locator(`[data-testid=queue-item][data-conversation-id="${conversation.id}"] [data-testid=accept]`).click();
    await userSees(user, 'Ann from Support is with you now.');
    await t(ann, 'composer').fill('Your parcel left the warehouse today.');
    await t(ann, 'composer').press('Enter');
    await userSees(user, 'Your parcel left the warehouse today.');
    await t(ann, 'close-button').click();
    await t(ann, 'close-disposition').selectOption('resolved');
    await t(ann, 'close-confirm').click();

    // The rating question: the closing notice, then five quick replies.
    await userSees(user, DEFAULT_MESSAGES.agentLeft);
    await userSees(user, 'How happy are you with our help today?');
    const choices = user.locator('.choices[data-template=quick_replies] button');
    await choices.nth(4).waitFor();
    expect(await choices.allInnerTexts()).toEqual(['1 ★', '2 ★★', '3 ★★★', '4 ★★★★', '5 ★★★★★']);
    await waitFor('back with the bot', () => !sim.inAgentSession(bot, 'u-browser') || null);
    await shot(user, 'csat-question');

    await choices.nth(3).click();
    await userSees(user, DEFAULT_MESSAGES.csatThanks);
    const rated = await waitFor('stored', async () => (await db.query(`SELECT csat_score, csat_at FROM conversations WHERE id = $1`, [conversation.id])).rows[0]?.csat_score ?? null);
    expect(rated).toBe(4);
    expect(await choices.evaluateAll((buttons) => buttons.every((b) => (b as HTMLButtonElement).disabled))).toBe(true);
    // The rating never reached the bot; the next message does.
    expect(sim.calls({ fn: 'sendBotMessage', userId: 'u-browser' }).map((c) => c.body?.message)).not.toContain('csat-4');
    await user.fill('#text', 'hello');
    await user.click('#send');
    await userSees(user, 'Hello');
    await shot(user, 'csat-answered');

    // The agent's transcript shows the question as the user saw it, not as JSON.
    const transcript = await t(ann, 'transcript').innerText();
    expect(transcript).toContain('How happy are you with our help today?');
    expect(transcript).not.toContain('template_type');
    await shot(ann, 'csat-agent-transcript');
    await user.close();
    await ann.close();
    await ada.close();
  });
});
