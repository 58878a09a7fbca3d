import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { PASSWORD, byTestId, consoleSignIn, launchChromium, openAdminTab, screenshot } from './browser';

const bot = TEST_BOT.botId;

jest.setTimeout(120_000);

/** The teams and routing admin screen, then two teams routed by a context variable: each agent sees only their team's chat. */
describe('teams and routing in a browser', () => {
  let env: TestEnvironment;
  let admin: Page;
  let ann: Page;
  let pierre: Page;
  const chats: Record<string, string> = {};
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let browser: Browser;

  beforeAll(async () => {
    env = await createTestEnvironment('console_teams_browser');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false, disconnectGraceSeconds: 30 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ada@example.com', name: 'Ada Admin', role: 'admin', passwordHash: hash });
    await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    await agents.create({ email: 'pierre@example.com', name: 'Pierre', role: 'agent', passwordHash: hash });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  const t = byTestId;
  const shot = (page: Page, name: string) => screenshot(page, name);

  async function signIn(email: string): Promise<Page> {
    // A context each: every agent has their own session storage, as in their own browser.
    return consoleSignIn(await browser.newContext(), bridge.url, email, { viewport: { width: 1366, height: 768 } });
  }

  it('sets up two teams with members and language rules, and each agent sees only their team\'s chat', async () => {
    admin = await signIn('ada@example.com');
    await openAdminTab(admin, bridge.url, 'teams');
    for (const name of ['German', 'French']) {
      await t(admin, 'team-name').fill(name);
      await t(admin, 'team-add').click();
      await admin.locator(`[data-testid="team-row"][data-name="${name}"]`).waitFor();
    }
    const row = (name: string) => admin.locator(`[data-testid="team-row"][data-name="${name}"]`);
    await row('German').locator('[data-testid="team-member"][data-agent="Ann"]').check();
    await admin.locator('#status-line').filter({ hasText: 'German: members saved.' }).waitFor();
    await row('French').locator('[data-testid="team-member"][data-agent="Pierre"]').check();
    await admin.locator('#status-line').filter({ hasText: 'French: members saved.' }).waitFor();

    for (const [language, team] of [['de', 'German'], ['fr', 'French']]) {
      await t(admin, 'rule-add').click();
      const rule = t(admin, 'rule-row').last();
      await rule.locator('[data-testid="rule-contextPath"]').fill('session.BotUserSession.language');
      await rule.locator('[data-testid="rule-contextValue"]').fill(language!);
      await rule.locator('[data-testid="rule-team"]').selectOption({ label: team! });
    }
    await t(admin, 'rules-save').click();
    await admin.locator('#status-line').filter({ hasText: 'Routing rules saved.' }).waitFor();
    expect(await t(admin, 'rule-row').count()).toBe(2);
    await shot(admin, 'teams-admin');

    [ann, pierre] = [await signIn('ann@example.com'), await signIn('pierre@example.com')];
    for (const [user, language] of [['u-hans', 'de'], ['u-amelie', 'fr']]) {
      await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user!, body: { context: { session: { BotUserSession: { language } } } } });
    }
    const hans = await waitFor('German chat', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-hans'));
    const amelie = await waitFor('French chat', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-amelie'));
    const item = (page: Page, id: string) => page.locator(`[data-testid="queue-item"][data-conversation-id="${id}"]`);
    await item(ann, hans.id).waitFor();
    await item(pierre, amelie.id).waitFor();
    await t(ann, 'queue-item').first().locator('[data-testid="queue-team"]').filter({ hasText: 'German' }).waitFor();
    expect(await item(ann, amelie.id).count()).toBe(0);
    expect(await item(pierre, hans.id).count()).toBe(0);
    expect(await t(ann, 'queue-item').count()).toBe(1);
    expect(await t(pierre, 'queue-item').count()).toBe(1);
    await shot(ann, 'teams-agent-german');
    await shot(pierre, 'teams-agent-french');
    [chats.hans, chats.amelie] = [hans.id, amelie.id];
  });

  const item = (page: Page, id: string) => page.locator(`[data-testid="queue-item"][data-conversation-id="${id}"]`);

  it("transfers a chat to a team from the console: it leaves the agent and shows in the team's queue", async () => {
    await item(pierre, chats.amelie!).locator('[data-testid="accept"]').click();
    await waitFor('Pierre has the chat', async () => (await bridge.app.get(ConversationRepository).findById(chats.amelie!))?.state === 'assigned' || undefined);
    await t(pierre, 'transfer-button').click();
    await t(pierre, 'transfer-agent').locator('option', { hasText: 'German (team queue)' }).waitFor({ state: 'attached' });
    await shot(pierre, 'teams-transfer');
    await t(pierre, 'transfer-agent').selectOption({ label: 'German (team queue)' });
    await t(pierre, 'transfer-confirm').click();
    await item(ann, chats.amelie!).waitFor();
    const moved = await bridge.app.get(ConversationRepository).findById(chats.amelie!);
    expect([moved!.state, moved!.agentId]).toEqual(['queued', null]);
    expect(await t(pierre, 'queue-item').count()).toBe(0);
  });

  it("edits an agent's teams from the agent form: the agent's queues change at once", async () => {
    // Hans waits in the German queue; Pierre is French only and does not see him.
    expect(await item(pierre, chats.hans!).count()).toBe(0);
    await openAdminTab(admin, bridge.url, 'agents');
    const pierreRow = admin.locator('[data-testid="agent-row"]', { hasText: 'pierre@example.com' });
    await pierreRow.locator('[data-testid="agent-edit"]').click();
    await admin.locator('[data-testid="agent-team"][data-team="German"]').check();
    await shot(admin, 'teams-agent-form');
    await t(admin, 'agent-save').click();
    // Saving the account signs Pierre's console in again (the admin screens' rule for account edits); his queues then include German.
    await item(pierre, chats.hans!).waitFor({ timeout: 20_000 });
  });
  it("overflows a chat that waits past its team's overflow time into the fallback team, both set on the admin screen", async () => {
    await openAdminTab(admin, bridge.url, 'teams');
    const french = admin.locator('[data-testid="team-row"][data-name="French"]');
    await french.locator('[data-testid="team-overflow"]').fill('3');
    await french.locator('[data-testid="team-fallback"]').selectOption({ label: 'German' });
    await french.locator('[data-testid="team-save"]').click();
    await admin.locator('#status-line').filter({ hasText: 'French saved.' }).waitFor();
    await shot(admin, 'teams-overflow-admin');

    // Ann is German only: a French chat reaches her only by overflowing.
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-claire', body: { context: { session: { BotUserSession: { language: 'fr' } } } } });
    const claire = await waitFor('French chat', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-claire'));
    await item(ann, claire.id).waitFor({ timeout: 30_000 });
    await ann.locator(`[data-testid="queue-item"][data-conversation-id="${claire.id}"] [data-testid="queue-team"]`).filter({ hasText: 'German' }).waitFor();
    await shot(ann, 'teams-overflow-agent');
    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ name: string }>(`SELECT t.name FROM conversations c JOIN teams t ON t.id = c.team_id WHERE c.id = $1`, [claire.id]);
      expect(rows.map((r) => r.name)).toEqual(['German']);
      // Routed to French first, then moved by the overflow (not routed to German from the start).
      const moves = await db.query<{ reason: string }>(`SELECT reason FROM conversation_transitions WHERE conversation_id = $1 AND from_state = 'queued' AND to_state = 'queued'`, [claire.id]);
      expect(moves.rows.map((r) => r.reason).join(' ')).toMatch(/overflow/i);
    } finally {
      await db.end();
    }
  });
});
