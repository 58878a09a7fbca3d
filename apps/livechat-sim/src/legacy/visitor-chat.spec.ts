import { LiveChatSim } from '../livechat-sim.facade';
import { request } from '../testing/spec-http.client';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', 'x-api-version': '2' };

describe('legacy REST API v2 visitor chat', () => {
  let sim: LiveChatSim;

  const setup = async (options: ConstructorParameters<typeof LiveChatSim>[0] = {}) => {
    sim = new LiveChatSim({ inactivitySeconds: 0, ...options });
    await sim.start();
  };
  afterEach(() => sim.stop());

  const post = (visitor: string, call: string, params: Record<string, string>, headers: Record<string, string> = FORM) =>
    request(`${sim.url}/visitors/${visitor}/chat/${call}`, { body: new URLSearchParams(params).toString(), headers });
  const poll = (visitor: string, params: Record<string, string>) =>
    request(`${sim.url}/visitors/${visitor}/chat/get_pending_messages?${new URLSearchParams(params)}`, { headers: { 'x-api-version': '2' } });
  const start = async (visitor = 'kore-user-1') => {
    const res = await post(visitor, 'start', { licence_id: sim.config.licenseId, welcome_message: 'Transcript: https://kore.example/t/1', name: 'Kim' });
    expect(res.status).toBe(200);
    return res.json.secured_session_id as string;
  };

  it('start takes an optional group of the licence: malformed 400, unknown 404, nothing started', async () => {
    await setup({ groupIds: [3] });
    const base = { licence_id: sim.config.licenseId, welcome_message: 'hello' };
    const bad = await post('kore-bad', 'start', { ...base, group: 'sales' });
    expect([bad.status, bad.json]).toEqual([400, { error: 'group must be a group number' }]);
    const unknown = await post('kore-unknown', 'start', { ...base, group: '4' });
    expect([unknown.status, unknown.json]).toEqual([404, { error: 'group not found' }]);
    expect(sim.chats()).toEqual([]);
    expect((await post('kore-grouped', 'start', { ...base, group: '3' })).status).toBe(200);
    expect(sim.chats().map((c) => c.groupIds)).toEqual([[3]]);
  });

  it('start → agent joins and says → pending messages → close', async () => {
    await setup();
    const session = await start();
    expect(session).toMatch(/^CS\d+\.[0-9a-f]{10}$/);
    const licence = sim.config.licenseId;
    const chat = sim.chats()[0]!;
    expect([chat.kind, chat.visitorId]).toEqual(['v2', 'kore-user-1']);

    expect((await post('kore-user-1', 'send_message', { licence_id: licence, secured_session_id: session, message: 'anyone there?' })).json).toEqual({ success: true });
    sim.agentJoin(chat.id, 'anna@example.com');
    sim.agentSays(chat.id, 'Hi Kim, Anna here');

    const first = await poll('kore-user-1', { licence_id: licence, secured_session_id: session });
    expect(first.status).toBe(200);
    expect(first.json.events).toEqual([
      { message_id: 1, timestamp: expect.any(Number), type: 'message', user_type: 'visitor', text: 'Transcript: https://kore.example/t/1' },
      { message_id: 2, timestamp: expect.any(Number), type: 'message', user_type: 'visitor', text: 'anyone there?' },
      { message_id: 3, timestamp: expect.any(Number), type: 'agent_details', user_type: 'agent', agent: { name: 'Anna Agent', job_title: 'Support Agent', avatar: '' } },
      { message_id: 4, timestamp: expect.any(Number), type: 'message', user_type: 'agent', text: 'Hi Kim, Anna here' },
    ]);
    expect((await poll('kore-user-1', { licence_id: licence, secured_session_id: session })).json.events).toEqual([]);
    const resumed = await poll('kore-user-1', { licence_id: licence, secured_session_id: session, last_message_id: '2' });
    expect(resumed.json.events.map((e: { message_id: number }) => e.message_id)).toEqual([3, 4]);

    sim.agentCloses(chat.id);
    const closed = await poll('kore-user-1', { licence_id: licence, secured_session_id: session });
    expect(closed.json.events).toEqual([{ message_id: 5, timestamp: expect.any(Number), type: 'chat_closed', user_type: 'agent' }]);
    const late = await post('kore-user-1', 'send_message', { licence_id: licence, secured_session_id: session, message: 'hello?' });
    expect([late.status, late.json]).toEqual([400, { error: 'chat is closed' }]);
    expect(sim.customerEvents(chat.id).map((e) => e.text)).toEqual(['Transcript: https://kore.example/t/1', 'anyone there?']);
  });

  it('the visitor closing the chat ends it', async () => {
    await setup();
    const session = await start();
    const res = await post('kore-user-1', 'close', { licence_id: sim.config.licenseId, secured_session_id: session });
    expect(res.json).toEqual({ success: true });
    const chat = sim.chats()[0]!;
    expect(chat.active).toBe(false);
    expect(chat.threads[0]!.events.at(-1)!.system_message_type).toBe('manual_archived_customer');
    expect(sim.v2Events('kore-user-1').at(-1)).toEqual(expect.objectContaining({ type: 'chat_closed', user_type: 'visitor' }));
  });

  it('closes the chat when get_pending_messages stops for the keep-alive period', async () => {
    await setup({ v2KeepAliveSeconds: 0.4 });
    const session = await start();
    const licence = sim.config.licenseId;
    const chatId = sim.chats()[0]!.id;
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await poll('kore-user-1', { licence_id: licence, secured_session_id: session });
    }
    expect(sim.chat(chatId)!.active).toBe(true);
    const closed = await sim.waitForChatClosed(chatId, 2_000);
    expect(closed.threads[0]!.events.at(-1)).toEqual(expect.objectContaining({ system_message_type: 'archived_customer_disconnected', text: 'Kim left the chat' }));
    const last = await poll('kore-user-1', { licence_id: licence, secured_session_id: session });
    expect(last.json.events).toEqual([expect.objectContaining({ type: 'chat_closed', user_type: 'visitor' })]);
    expect(() => sim.agentSays(chatId, 'gone')).toThrow('Chat is inactive');
  });

  it('requires X-API-Version: 2, form encoding and the British licence_id', async () => {
    await setup();
    const licence = sim.config.licenseId;
    const noVersion = await post('v', 'start', { licence_id: licence, welcome_message: 'hi' }, { 'content-type': 'application/x-www-form-urlencoded' });
    expect([noVersion.status, noVersion.json.error]).toEqual([400, expect.stringContaining('X-API-Version')]);
    const american = await post('v', 'start', { license_id: licence, welcome_message: 'hi' });
    expect([american.status, american.json]).toEqual([400, { error: 'licence_id is required' }]);
    const wrongLicence = await post('v', 'start', { licence_id: '1', welcome_message: 'hi' });
    expect(wrongLicence.status).toBe(401);
    const longWelcome = await post('v', 'start', { licence_id: licence, welcome_message: 'x'.repeat(1025) });
    expect(longWelcome.status).toBe(400);
    const text = await request(`${sim.url}/visitors/v/chat/start`, { body: 'licence_id=1', headers: { 'content-type': 'text/plain', 'x-api-version': '2' } });
    expect(text.status).toBe(400);
    const wrongMethod = await request(`${sim.url}/visitors/v/chat/start`, { headers: { 'x-api-version': '2' } });
    expect(wrongMethod.status).toBe(405);
  });

  it('JSON bodies are a setting', async () => {
    await setup({ v2AcceptJson: false });
    const body = { licence_id: sim.config.licenseId, welcome_message: 'hi' };
    expect((await request(`${sim.url}/visitors/v/chat/start`, { body, headers: { 'x-api-version': '2' } })).status).toBe(400);
    await sim.stop();
    await setup({ v2AcceptJson: true });
    expect((await request(`${sim.url}/visitors/v/chat/start`, { body: { ...body, licence_id: sim.config.licenseId }, headers: { 'x-api-version': '2' } })).status).toBe(200);
  });

  it('a wrong session is a bad credential, an unknown visitor a missing resource', async () => {
    await setup();
    await start('known');
    const licence = sim.config.licenseId;
    expect((await poll('known', { licence_id: licence, secured_session_id: 'CS1.0000000000' })).status).toBe(401);
    expect((await poll('stranger', { licence_id: licence, secured_session_id: 'CS1.0000000000' })).status).toBe(404);
    expect((await poll('known', { licence_id: licence })).status).toBe(400);
  });

  it('faults reach the v2 API as plain statuses', async () => {
    await setup();
    sim.failNext('visitor.start', 'internal');
    const res = await post('v', 'start', { licence_id: sim.config.licenseId, welcome_message: 'hi' });
    expect([res.status, res.json]).toEqual([500, { error: 'internal' }]);
  });
});
