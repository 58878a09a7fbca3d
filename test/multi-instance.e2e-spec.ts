import { ConversationRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { LoopbackDesk } from './loopback-desk.client';

const bot = TEST_BOT.botId;

/** Two instances of the service on one Postgres and one Redis, each with its own HTTP server and workers. */
describe('two instances side by side', () => {
  let env: TestEnvironment;
  let a: RunningBridge;
  let b: RunningBridge;
  let simA: PlatformSim;
  let simB: PlatformSim;

  beforeAll(async () => {
    env = await createTestEnvironment('multi');
    a = await startBridge(testConfig(env));
    b = await startBridge(testConfig(env));
    simA = await startSim(a.url, [simBot(bot, TEST_BOT)]);
    simB = await startSim(b.url, [simBot(bot, TEST_BOT)]);
  });
  afterAll(async () => {
    await simA?.stop();
    await simB?.stop();
    await a?.close();
    await b?.close();
    await env?.destroy();
  });

  it('puts an event that reached one instance and the reply that reached the other in one conversation', async () => {
    await simA.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-multi' });
    // The desk (its webhooks) talks to the other instance.
    const deskB = new LoopbackDesk(b.url);
    const chat = await deskB.chatFor('u-multi');
    expect(await deskB.join(chat.ref)).toBe(200);
    await simA.waitForDelivered(bot, 'u-multi', 2);
    await simA.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-multi', message: 'question via A' });
    expect(await deskB.say(chat.ref, 'r-1', 'answer via B')).toBe(200);
    expect(await deskB.waitForMessages(chat.ref, 1)).toEqual(['question via A']);
    const delivered = await simA.waitForDelivered(bot, 'u-multi', 3);
    expect(delivered[2]).toBe('answer via B');
    const sessions = await a.app.get(ConversationRepository).findActive(bot, 'u-multi');
    const seenByB = await b.app.get(ConversationRepository).findActive(bot, 'u-multi');
    expect(sessions!.id).toBe(seenByB!.id);
    expect(sessions!.state).toBe('assigned');
  });

  it('opens one session when the same transfer reaches both instances at once', async () => {
    const requestBody = simA.buildEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-both' });
    const [ra, rb] = await Promise.all([
      simA.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-both', requestId: requestBody.requestId }),
      simB.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-both' }),
    ]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    const desk = new LoopbackDesk(a.url);
    await desk.chatFor('u-both');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await desk.chats()).filter((c) => c.visitorKey === 'u-both')).toHaveLength(1);
    const starts = [...simA.calls({ fn: 'startAgentSession', userId: 'u-both' }), ...simB.calls({ fn: 'startAgentSession', userId: 'u-both' })];
    expect(starts).toHaveLength(1);
  });

  it('keeps one conversation in order when its messages alternate between the instances', async () => {
    await simA.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-alt' });
    const desk = new LoopbackDesk(a.url);
    const chat = await desk.chatFor('u-alt');
    await desk.join(chat.ref);
    await waitFor('assigned', async () => (await a.app.get(ConversationRepository).findActive(bot, 'u-alt'))?.state === 'assigned');
    const texts = Array.from({ length: 10 }, (_, i) => `m${i}`);
    try {
      for (const [i, text] of texts.entries()) {
        // One platform, its requests balanced across the two instances as a load balancer would.
        simA.setBridgeUrl(i % 2 === 0 ? a.url : b.url);
        await simA.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-alt', message: text });
      }
    } finally {
      simA.setBridgeUrl(a.url);
    }
    expect(await desk.waitForMessages(chat.ref, texts.length)).toEqual(texts);
  });
});
