import { DataSource } from 'typeorm';
import { toBotkitPayload, visitorKeyOf } from '@agent-bridge/botkit';
import { conversationOf, EventInboxService, laneItem } from '@agent-bridge/events';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { LoopbackDesk } from './loopback-desk.client';

const bot = TEST_BOT.botId;
const OPS = `Basic ${Buffer.from('ops:test-ops-password').toString('base64')}`;
const USER_NOTICE = 'Your last message could not be delivered to the agent.';

/**
 * A lane item Postgres refuses (a user message with a NUL byte, in agent mode): dead-lettered at
 * once, the next message of the conversation flows, both sides are told, ops sees and retries it.
 * The item is put straight into the lane: the HTTP edge may clean such text before it gets there.
 */
describe('dead letters: a poisoned lane item never holds its conversation', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let desk: LoopbackDesk;
  let db: DataSource;

  beforeAll(async () => {
    env = await createTestEnvironment('dead_letter');
    bridge = await startBridge(testConfig(env));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    desk = new LoopbackDesk(bridge.url);
    db = bridge.app.get(DataSource);
  });
  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  async function handOff(user: string): Promise<string> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user });
    const chat = await desk.chatFor(user);
    expect(await desk.join(chat.ref)).toBe(200);
    await sim.waitForDelivered(bot, user, 2); // "An agent will be with you shortly." + "Alice has joined the chat."
    return chat.ref;
  }

  /** A user message as the SDK route would accept it, into its conversation's lane. */
  function userMessage(user: string, text: string) {
    const { requestId, body } = sim.buildEvent({ botId: bot, event: 'on_user_message', userId: user, message: text });
    const payload = toBotkitPayload({ eventName: 'on_user_message', requestId, botId: bot, componentId: 'default', body });
    return { botId: bot, componentId: 'default', eventName: 'on_user_message' as const, requestId, visitor: visitorKeyOf(body)!, receivedAt: Date.now(), payload };
  }

  const rows = () =>
    db.query(`SELECT id, kind, reason, error_code, attempts, state, retried_at FROM lane_dead_letters ORDER BY created_at`) as Promise<
      Array<{ id: string; kind: string; reason: string; error_code: string; attempts: number; state: string; retried_at: Date | null }>
    >;

  it('dead-letters a message Postgres refuses at once, lets the next one through, and tells both sides', async () => {
    const ref = await handOff('u-poison');
    const inbox = bridge.app.get(EventInboxService);
    const started = Date.now();
    await inbox.accept(userMessage('u-poison', 'zq-sentinel \u0000 text'));
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-poison', message: 'the next message' });
    expect(await desk.waitForMessages(ref, 1)).toEqual(['the next message']);
    expect(Date.now() - started).toBeLessThan(5000);

    const [row] = await waitFor('the dead letter stored', async () => ((await rows()).length === 1 ? rows() : null));
    expect(row).toMatchObject({ kind: 'botkit', reason: 'refused', error_code: '22021', attempts: 1, state: 'dead', retried_at: null });
    // Both sides: the user hears that the message did not reach the agent, the agent that one was lost.
    expect(await sim.waitForDelivered(bot, 'u-poison', 3)).toContain(USER_NOTICE);
    await waitFor('the agent told', async () => (await desk.entries(ref)).some((e) => e.kind === 'notice' && /could not be delivered/.test(e.text)));

    const metrics = await (await fetch(`${bridge.url}/metrics`, { headers: { authorization: 'Bearer test-metrics-token' } })).text();
    expect(metrics).toMatch(/ab_lane_dead_letters_total\{kind="botkit",reason="refused"\} 1/);
    expect(metrics).toMatch(/ab_lane_dead_letters_open 1/);
    expect(metrics).toMatch(/ab_delivery_failures_total\{direction="to_agent",provider="loopback"\} 1/);
  });

  it('lists dead letters on the ops page and its API, without the message text', async () => {
    const [row] = await rows();
    const api = await fetch(`${bridge.url}/ops/api/dead-letters`, { headers: { authorization: OPS } });
    expect(api.status).toBe(200);
    const body = await api.json();
    expect(body.open).toBe(1);
    expect(body.recent[0]).toMatchObject({ id: row!.id, kind: 'botkit', reason: 'refused', errorCode: '22021', state: 'dead' });
    const summary = await (await fetch(`${bridge.url}/ops/api/summary`, { headers: { authorization: OPS } })).json();
    expect(summary.deadLetters.open).toBe(1);
    const page = await (await fetch(`${bridge.url}/ops`, { headers: { authorization: OPS } })).text();
    expect(page).toContain(row!.id);
    expect(page).toContain(`action="/ops/api/dead-letters/${row!.id}/retry"`);
    expect(page).toMatch(/role="alert">1 lane item\(s\) dead-lettered/);
    for (const text of [JSON.stringify(body), JSON.stringify(summary), page]) expect(text).not.toContain('zq-sentinel');
    expect((await fetch(`${bridge.url}/ops/api/dead-letters`)).status).toBe(401);
  });

  it('puts a dead letter back in its lane from the ops route, once', async () => {
    const ref = await handOff('u-retry');
    // A dead letter whose cause is gone by now (say a bug fixed since): the lane item as stored.
    const event = userMessage('u-retry', 'worth another try');
    const [{ id }] = await db.query(
      `INSERT INTO lane_dead_letters (kind, lane, item, reason, error_code, attempts) VALUES ('botkit', $1, $2, 'failed', 'Error', 4) RETURNING id`,
      [Buffer.from(`botkit/${conversationOf(event)}`), Buffer.from(laneItem(event))],
    );
    const retry = (dead: string, headers: Record<string, string> = {}) =>
      fetch(`${bridge.url}/ops/api/dead-letters/${dead}/retry`, { method: 'POST', headers: { authorization: OPS, ...headers }, redirect: 'manual' });

    expect((await fetch(`${bridge.url}/ops/api/dead-letters/${id}/retry`, { method: 'POST' })).status).toBe(401);
    // A browser form from another site, carrying the ops credentials: refused.
    const crossSite = await retry(id, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect((await crossSite.json()).errors[0]).toMatchObject({ msg: expect.stringMatching(/Cross-site/) });
    expect((await retry(id, { origin: 'https://evil.example' })).status).toBe(403); // an older browser: Origin only

    const res = await retry(id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id, state: 'retried' });
    expect(await desk.waitForMessages(ref, 1)).toEqual(['worth another try']);
    const again = await retry(id);
    expect(again.status).toBe(409);
    expect((await again.json()).errors).toHaveLength(1);
    expect((await retry('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await retry('not-a-uuid')).status).toBe(404);
    const [stored] = await db.query(`SELECT state, retried_at FROM lane_dead_letters WHERE id = $1`, [id]);
    expect(stored.state).toBe('retried');
    expect(stored.retried_at).toBeInstanceOf(Date);

    // The ops page's own button: a same-site form post, sent back to the page.
    const [poisoned] = await rows();
    const form = await retry(poisoned!.id, { origin: bridge.url, 'sec-fetch-site': 'same-origin', accept: 'text/html', 'content-type': 'text/plain' });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/ops');
    // Still refused by Postgres: dead-lettered again, as a new record; the old one is marked retried.
    await waitFor('dead-lettered again', async () => (await rows()).filter((r) => r.reason === 'refused').length === 2);
    expect((await rows()).filter((r) => r.reason === 'refused').map((r) => r.state)).toEqual(['retried', 'dead']);
  });
});
