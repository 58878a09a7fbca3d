/// <reference lib="dom" />
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { DEFAULT_MESSAGES } from '@agent-bridge/config';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { describeOpening, openState } from '../libs/handoff/src/hours/business-hours';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { PASSWORD, byTestId, consoleSignIn, launchChromium, openAdminTab, screenshot } from './browser';

const bot = TEST_BOT.botId;
const DAY = 86_400_000;

jest.setTimeout(120_000);

/** The hours admin screen, then the closed-hours path up to an agent finding the message left, in real Chromium. */
describe('business hours in a browser', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let browser: Browser;
  let db: Client;
  let billing: string;

  beforeAll(async () => {
    env = await createTestEnvironment('console_hours_browser');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: true } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ada@example.com', name: 'Ada Admin', role: 'admin', passwordHash: hash });
    const ann = await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    billing = (await db.query(`INSERT INTO teams (name) VALUES ('Billing') RETURNING id`)).rows[0].id;
    await db.query(`INSERT INTO teams (name, time_zone) VALUES ('Sales', 'Europe/Berlin')`);
    await db.query(`INSERT INTO agent_teams (agent_id, team_id) VALUES ($1, $2)`, [ann.id, billing]);
    await db.query(`INSERT INTO routing_rules (position, bot_id, team_id) VALUES (0, $1, $2)`, [bot, billing]);
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
    return consoleSignIn(browser, bridge.url, email, { viewport: { width: 1366, height: 768 }, timeoutMs: 15_000 });
  }

  /** Today and tomorrow in Tokyo are holidays: closed now whatever the hour. */
  const tokyoHolidays = (): string[] => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
    return [today, new Date(Date.parse(`${today}T00:00:00Z`) + DAY).toISOString().slice(0, 10)];
  };
  const ALL_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

  it('an admin sets a team\'s hours: refused input says why, saved hours show when it opens', async () => {
    const admin = await signIn('ada@example.com');
    await openAdminTab(admin, bridge.url, 'hours');
    await t(admin, 'hours-team').selectOption({ label: 'Billing' });
    await admin.waitForFunction(() => (document.querySelector('[data-testid=hours-always]') as HTMLInputElement).checked);
    await t(admin, 'hours-now').filter({ hasText: 'Open now.' }).waitFor();

    await t(admin, 'hours-zone').fill('Asia/Atlantis');
    await t(admin, 'hours-always').uncheck();
    for (const day of ALL_DAY) await t(admin, `hours-${day}`).fill('00:00-24:00');
    await t(admin, 'hours-save').click();
    await t(admin, 'hours-error').filter({ hasText: '"timeZone" must be a time zone name' }).waitFor();
    await shot(admin, 'hours-admin-error');

    await t(admin, 'hours-zone').fill('Asia/Tokyo');
    await t(admin, 'hours-tue').fill('09:00-12:00, 13:00-18:00');
    await t(admin, 'hours-holidays').fill(tokyoHolidays().join('\n'));
    await t(admin, 'hours-action-message').check();
    await t(admin, 'hours-save').click();
    const weekly = Object.fromEntries(ALL_DAY.map((d) => [d, d === 'tue' ? [['09:00', '12:00'], ['13:00', '18:00']] : [['00:00', '24:00']]]));
    const next = describeOpening(openState({ timeZone: 'Asia/Tokyo', weekly, holidays: tokyoHolidays() }, new Date()).nextOpen!, 'Asia/Tokyo');
    await t(admin, 'hours-now').filter({ hasText: `Closed now; opens ${next}.` }).waitFor();
    await t(admin, 'status-line').filter({ hasText: "Billing's hours are saved" }).waitFor();
    const { rows } = await db.query(`SELECT time_zone, weekly_hours, holidays, closed_action FROM teams WHERE id = $1`, [billing]);
    expect(rows[0]).toEqual({ time_zone: 'Asia/Tokyo', weekly_hours: weekly, holidays: tokyoHolidays(), closed_action: 'message' });
    await shot(admin, 'hours-admin');

    // Another team's form shows its own hours; coming back shows what was saved.
    await t(admin, 'hours-team').selectOption({ label: 'Sales' });
    await admin.waitForFunction(() => (document.querySelector('[data-testid=hours-zone]') as HTMLInputElement).value === 'Europe/Berlin');
    await t(admin, 'hours-team').selectOption({ label: 'Billing' });
    expect(await t(admin, 'hours-tue').inputValue()).toBe('09:00-12:00, 13:00-18:00');
    await admin.close();
  });

  it('the closed-hours path: the user leaves a message, and an agent of the team finds it in the console and marks it handled', async () => {
    // Ann is signed in with the offline page open before the message comes: both show it as it comes, with no reload.
    const ann = await signIn('ann@example.com');
    await t(ann, 'offline-link').filter({ hasText: /^Offline messages ↗$/ }).waitFor();
    const [offline] = await Promise.all([ann.waitForEvent('popup'), t(ann, 'offline-link').click()]);
    offline.setDefaultTimeout(15_000);
    await offline.setViewportSize({ width: 1366, height: 768 });
    await offline.locator('[data-testid=offline-list][data-live=true]').waitFor({ state: 'attached' });
    await t(offline, 'offline-empty').waitFor();

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-late', body: { context: { session: { UserContext: { _id: 'u-late', firstName: 'Lee', lastName: 'Late' } } } } });
    const [told] = await sim.waitForDelivered(bot, 'u-late', 1, 30_000);
    expect(told).toContain('Our agents are away right now. We open again ');
    await sim.waitForCalls({ fn: 'startAgentSession', userId: 'u-late' }, 1, 30_000);
    await sim.userSays(bot, 'u-late', 'My card was charged twice.\nPlease call me on 555-0100.');
    expect((await sim.waitForDelivered(bot, 'u-late', 2, 30_000))[1]).toBe(DEFAULT_MESSAGES.offlineMessageThanks);
    await sim.waitForCalls({ fn: 'clearAgentSession', userId: 'u-late' }, 1, 30_000);

    // Nothing waits in the console queue for the closed team.
    expect(await ann.locator('[data-testid=queue-item]').count()).toBe(0);
    // The header says how many wait for Ann's teams, pushed (the badge no longer polls).
    await t(ann, 'offline-link').filter({ hasText: 'Offline messages (1)' }).waitFor();
    await shot(ann, 'hours-console');
    const item = offline.locator('[data-testid=offline-item]', { hasText: 'Lee Late' });
    await item.waitFor();
    expect(await item.textContent()).toContain('My card was charged twice.\nPlease call me on 555-0100.');
    expect(await item.textContent()).toContain('Billing');
    await shot(offline, 'hours-offline');

    await item.locator('[data-testid=offline-mark]').click();
    await t(offline, 'offline-empty').waitFor();
    // The console's badge follows the mark made on the other page.
    await t(ann, 'offline-link').filter({ hasText: /^Offline messages ↗$/ }).waitFor();
    await t(offline, 'offline-show-handled').check();
    await offline.locator('[data-testid=offline-item]', { hasText: 'Lee Late' }).locator('[data-testid=offline-handled-by]', { hasText: 'Handled by Ann' }).waitFor();
    const handled = await waitFor('handled in Postgres', async () => (await db.query(`SELECT offline_handled_by FROM conversations WHERE visitor_key = 'u-late' AND offline_handled_at IS NOT NULL`)).rows[0] ?? null);
    expect(handled).toEqual({ offline_handled_by: 'Ann' });
    await shot(offline, 'hours-offline-handled');
    await offline.close();
    await ann.close();
  });
});
