import { createTestEnvironment, freePort, LOOPBACK_SECRET, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { BridgeProcess } from './bridge-process';
import { simBot, startSim } from './bridge-harness';
import { LoopbackDesk } from './loopback-desk.client';

const bot = TEST_BOT.botId;

/**
 * The service process is stopped in the middle of a live session, with messages still on their
 * way in both directions, and started again: the session goes on, nothing is lost or sent twice.
 */
describe('restart in the middle of a live session (real process, SIGTERM)', () => {
  let env: TestEnvironment;
  let bridge: BridgeProcess;
  let sim: PlatformSim;
  let desk: LoopbackDesk;

  beforeAll(async () => {
    env = await createTestEnvironment('restart');
    const PORT = String(await freePort());
    bridge = BridgeProcess.forTest(env, PORT, { LOOPBACK_SECRET, HANDOFF_PROVIDER: 'loopback', KEEPALIVE_INTERVAL_SECONDS: '2' });
    await bridge.start();
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    desk = new LoopbackDesk(bridge.url);
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.stop();
    await env?.destroy();
  });

  it('continues the session with every message delivered once, in order', async () => {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-restart' });
    const chat = await desk.chatFor('u-restart');
    await desk.join(chat.ref);
    await sim.waitForDelivered(bot, 'u-restart', 2);

    // The platform answers slowly, so agent messages are still queued when the process stops.
    sim.setLatency(150);
    const agentTexts = Array.from({ length: 12 }, (_, i) => `agent ${i}`);
    const userTexts = Array.from({ length: 6 }, (_, i) => `user ${i}`);
    for (const [i, text] of agentTexts.entries()) expect(await desk.say(chat.ref, `a-${i}`, text)).toBe(200);
    const userRequests: string[] = [];
    for (const text of userTexts) userRequests.push((await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-restart', message: text })).requestId);
    expect(sim.delivered(bot, 'u-restart').length).toBeLessThan(2 + agentTexts.length); // still in flight

    expect(await bridge.stop('SIGTERM')).toBe(0);
    const deliveredWhileUp = sim.delivered(bot, 'u-restart').length;
    sim.setLatency(0);

    await bridge.start();
    // The platform redelivers a user message whose ack it never saw: processed once.
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-restart', message: userTexts[5]!, requestId: userRequests[5] });
    await desk.say(chat.ref, 'a-after', 'after the restart');
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-restart', message: 'me too' });

    const delivered = await sim.waitForDelivered(bot, 'u-restart', 2 + agentTexts.length + 1, 20_000);
    expect(delivered.slice(2)).toEqual([...agentTexts, 'after the restart']);
    expect(await desk.waitForMessages(chat.ref, userTexts.length + 1, 20_000)).toEqual([...userTexts, 'me too']);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sim.delivered(bot, 'u-restart')).toHaveLength(2 + agentTexts.length + 1);
    expect(await desk.messages(chat.ref)).toHaveLength(userTexts.length + 1);
    expect(deliveredWhileUp).toBeGreaterThanOrEqual(2);

    // Timers survived too: the keep-alive goes on after the restart with the newest request.
    const before = sim.calls({ fn: 'extendRequestId', userId: 'u-restart' }).length;
    await waitFor('a keep-alive after the restart', () => sim.calls({ fn: 'extendRequestId', userId: 'u-restart' }).length > before, 6000);
    expect(sim.inAgentSession(bot, 'u-restart')).toBe(true);
    expect(sim.calls({ fn: 'clearAgentSession', userId: 'u-restart' })).toHaveLength(0);
  });
});
