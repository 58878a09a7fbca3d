/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { createTestEnvironment, testConfig, type TestEnvironment } from '@agent-bridge/testing';
import { startBridge, type RunningBridge } from './bridge-harness';
import { BEN_NAME, reportSeed, seedReports } from './report-seed';
import { PASSWORD, byTestId, consoleSignIn, launchChromium, screenshot } from './browser';


/** The reports screen in real headless Chromium against seeded conversations with known figures, and its CSV. */
jest.setTimeout(120_000);

describe('console reports screen in a browser', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let browser: Browser;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnvironment('console_reports_browser');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false } }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash });
    const ann = await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    const ben = await agents.create({ email: 'ben@example.com', name: BEN_NAME, role: 'agent', passwordHash: hash });
    await seedReports(db, reportSeed(ann, ben));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await db?.end();
    await bridge?.close();
    await env?.destroy();
  });

  const t = byTestId;
  const shot = (page: Page, name: string) => screenshot(page, name);

  async function signIn(email: string): Promise<Page> {
    return consoleSignIn(browser, bridge.url, email, { viewport: { width: 1366, height: 900 }, timeoutMs: 15_000 });
  }

  /** Shows the seeded range and waits until the tiles hold its figures. */
  async function show(page: Page, team = ''): Promise<void> {
    await t(page, 'report-from').fill('2026-06-01');
    await t(page, 'report-to').fill('2026-06-02');
    await t(page, 'report-tz').fill('Europe/Paris');
    await t(page, 'report-team').selectOption(team === '' ? '' : { label: team });
    await t(page, 'report-show').click();
  }

  it('shows the figures, charts and tables of the seeded range, filters by team, and downloads the CSV', async () => {
    const console_ = await signIn('sue@example.com');
    const [page] = await Promise.all([console_.waitForEvent('popup'), t(console_, 'reports-link').click()]);
    page.setDefaultTimeout(15_000);
    await page.setViewportSize({ width: 1366, height: 900 });
    await t(page, 'report-filters').waitFor();
    // Chart.js loaded from the console under its CSP (no error, the global is there).
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await show(page);
    await t(page, 'tile-conversations').filter({ hasText: /^7$/ }).waitFor();
    expect(await t(page, 'tile-abandoned').textContent()).toBe('2 (29 %)');
    expect(await t(page, 'tile-wait').textContent()).toBe('30 s / 1 min 30 s');
    expect(await t(page, 'tile-response').textContent()).toBe('10 s / 20 s');
    expect(await t(page, 'tile-handle').textContent()).toBe('5 min 00 s / 20 min 00 s');
    expect(await t(page, 'tile-csat').textContent()).toBe('4.00 (3)');
    const rows = async (table: string) => page.locator(`[data-testid=${table}] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect((await rows('teams-table')).map((r) => r.slice(0, 4))).toEqual([['Billing', '4', '2', '1 (25 %)'], ['Sales', '2', '1', '1 (50 %)'], ['No team', '1', '1', '0 (0 %)']]);
    expect((await rows('agents-table')).map((r) => r.slice(0, 2)).sort()).toEqual([['Ann', '2'], [BEN_NAME, '2'], ['Not assigned', '3']].sort());
    expect((await rows('days-table')).map((r) => r.slice(0, 3))).toEqual([['2026-06-01', '3', '3'], ['2026-06-02', '4', '1']]);
    // What the charts were given, read back from chart.js itself.
    const chartData = await page.evaluate(() => {
      const of = (id: string) => (window as any).Chart.getChart(document.getElementById(id)).data;
      return { days: of('c-days').datasets.map((d: any) => d.data), csat: of('c-csat').datasets[0].data, reasons: of('c-reasons').datasets[0].data };
    });
    expect(chartData).toEqual({ days: [[3, 1], [0, 2], [0, 1]], csat: [0, 0, 1, 1, 1], reasons: [4, 2, 1] });
    expect(errors).toEqual([]);
    await shot(page, 'reports-overview');

    const [download] = await Promise.all([page.waitForEvent('download'), t(page, 'report-csv').click()]);
    expect(download.suggestedFilename()).toBe('agent-bridge-report-2026-06-01-to-2026-06-02.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[1]!.split(',').slice(0, 7)).toEqual(['total', '2026-06-01..2026-06-02', '', '', '7', '4', '2']);
    expect(csv).toContain(`agent,,,"Ben ""B"", Jr",2,`);

    await show(page, 'Billing');
    await t(page, 'tile-conversations').filter({ hasText: /^4$/ }).waitFor();
    expect((await rows('teams-table')).map((r) => r[0])).toEqual(['Billing']);
    await shot(page, 'reports-team-billing');

    await t(page, 'report-to').fill('2026-05-01');
    await t(page, 'report-show').click();
    await t(page, 'report-error').filter({ hasText: '"to" is before "from"' }).waitFor();
    await shot(page, 'reports-bad-range');
  });

  it('is not linked for agents, and refuses them', async () => {
    const ann = await signIn('ann@example.com');
    expect(await t(ann, 'reports-link').isHidden()).toBe(true);
    await ann.goto(`${bridge.url}/console/reports.html`);
    await t(ann, 'reports-gate').filter({ hasText: 'Only supervisors and admins can see reports.' }).waitFor();
    expect(await t(ann, 'report-filters').isHidden()).toBe(true);
    await shot(ann, 'reports-agent-refused');
  });
});
