import { randomUUID } from 'node:crypto';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { ConversationRepository, TranscriptRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';

const bot = TEST_BOT.botId;
const PASSWORD = 'console-input-password';

/** The console's socket events parse their own JSON, past the HTTP body parser: they normalise text themselves. */
describe('console socket input: text normalised, odd ids answered, never left without an ack', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let agent: ConsoleClient;

  beforeAll(async () => {
    env = await createTestEnvironment('console_input');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    await bridge.app.get(AgentRepository).create({ email: 'ida@example.com', name: 'Ida', role: 'agent', passwordHash: await hashPassword(PASSWORD), maxChats: 3 });
    const { body } = await ConsoleClient.signIn(bridge.url, 'ida@example.com', PASSWORD);
    agent = new ConsoleClient(bridge.url, body.token);
    await agent.connected();
  });

  afterAll(async () => {
    agent?.close();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  it('a message and a note with NUL and lone surrogates are stored and delivered normalised', async () => {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-console-nul' });
    const { id } = await waitFor('queued', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-console-nul'));
    expect(await agent.call('queue:accept', { conversationId: id })).toMatchObject({ ok: true });
    // The queue-place notice may or may not go out before the accept (a race under load): wait for the join.
    const joined = await waitFor('the join told', () => {
      const delivered = sim.delivered(bot, 'u-console-nul');
      return delivered.includes('Ida has joined the chat.') ? delivered.length : null;
    }, 15_000);

    const sent = await agent.call('message:send', { conversationId: id, clientId: randomUUID(), text: 'hi\u0000 there \ud800!' });
    expect(sent).toMatchObject({ ok: true, message: { text: 'hi there \ufffd!' } });
    expect((await sim.waitForDelivered(bot, 'u-console-nul', joined + 1)).pop()).toBe('hi there \ufffd!');
    expect(await agent.call('note:add', { conversationId: id, text: 'note\u0000 \udc00' })).toMatchObject({ ok: true, message: { text: 'note \ufffd' } });
    const stored = await bridge.app.get(TranscriptRepository).list(id);
    expect(stored.filter((m) => m.direction !== 'to_agent').map((m) => m.text)).toEqual(expect.arrayContaining(['hi there \ufffd!', 'note \ufffd']));
    expect(await agent.call('conversation:close', { conversationId: id, disposition: 'other\u0000 reason' })).toEqual({ ok: true });
    expect((await bridge.app.get(ConversationRepository).findById(id))?.state).toBe('closed');
  });

  it('ids that are no uuid get a refusal in the ack, not an exception', async () => {
    expect(await agent.call('queue:accept', { conversationId: 'not-a-uuid' })).toEqual({ ok: false, error: 'conversationId is required' });
    expect(await agent.call('queue:accept', { conversationId: 'a\u0000b' })).toMatchObject({ ok: false });
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-console-ids' });
    const { id } = await waitFor('queued', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-console-ids'));
    expect(await agent.call('queue:accept', { conversationId: id })).toMatchObject({ ok: true });
    expect(await agent.call('conversation:transfer', { conversationId: id, toAgentId: 'not-a-uuid', note: 'x' })).toEqual({ ok: false, error: 'no such agent' });
    expect(agent.events('exception')).toEqual([]);
  });
});
