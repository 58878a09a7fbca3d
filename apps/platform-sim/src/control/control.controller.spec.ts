import { GREETING } from '../bot/scripted-bot.service';
import { actLikeBotkit } from '../testing/botkit-like.fixture';
import { BOT, BOT_512, startHarness, type Harness } from '../testing/sim-harness.fixture';

describe('PlatformSim control API', () => {
  let h: Harness;
  const call = (method: 'GET' | 'POST', path: string, body?: unknown) => h.bridge.call(`${h.sim.url}${path}`, { method, body });

  beforeAll(async () => {
    h = await startHarness();
    actLikeBotkit(h.bridge, [BOT, BOT_512]);
  });
  afterAll(() => h.stop());

  it('drives a user turn and reads back calls and deliveries, then resets', async () => {
    const said = await call('POST', '/sim/users/u-ctl/say', { botId: BOT_512.botId, text: 'hello' });
    expect(said.status).toBe(200);
    expect(said.body).toEqual({ requestId: expect.stringMatching(/^ms-/), status: 200 });
    await h.sim.waitForDelivered(BOT_512.botId, 'u-ctl', 1);

    const delivered = await call('GET', `/sim/users/u-ctl/delivered?botId=${BOT_512.botId}`);
    expect(delivered.body).toEqual([GREETING]);
    expect((await call('GET', '/sim/users/u-ctl/delivered')).body).toEqual([]);
    const calls = await call('GET', '/sim/calls?fn=sendUserMessage&userId=u-ctl');
    expect(calls.body).toEqual([expect.objectContaining({ fn: 'sendUserMessage', botId: BOT_512.botId, status: 200 })]);
    expect((await call('GET', '/sim/calls?fn=startAgentSession')).body).toEqual([]);

    expect((await call('POST', '/sim/reset')).status).toBe(204);
    expect((await call('GET', '/sim/calls')).body).toEqual([]);
    expect(h.sim.delivered(BOT_512.botId, 'u-ctl')).toEqual([]);
  });

  it('uses the first bot by default and refuses bad input', async () => {
    const said = await call('POST', '/sim/users/u-default/say', { text: 'hi' });
    expect(said.status).toBe(200);
    expect(h.bridge.received.at(-1)!.botId).toBe(BOT.botId);
    expect((await call('POST', '/sim/users/u-x/say', { botId: 'st-nope', text: 'hi' })).status).toBe(404);
    expect((await call('POST', '/sim/users/u-x/say', { botId: BOT.botId })).status).toBe(400);
    expect((await call('POST', '/sim/users/u-x/client-event', { type: 'WAVING' })).status).toBe(400);
    expect((await call('POST', '/sim/users/u-x/client-event', { type: 'TYPING_STOPPED' })).body).toEqual({ status: 200 });
    expect((await call('GET', '/sim/nothing-here')).status).toBe(404);
  });
});
