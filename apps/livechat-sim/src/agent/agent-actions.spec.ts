import { ApiError } from '../common/api-error';
import { LiveChatSim } from '../livechat-sim.facade';
import { customerAction, customerToken, messageEvent } from '../testing/customer-flow.helper';
import { request } from '../testing/spec-http.client';
import { WebhookReceiver } from '../testing/webhook.receiver';

describe('agent and router actions', () => {
  let sim: LiveChatSim;
  let receiver: WebhookReceiver;
  let token: string;

  const setup = async (options: ConstructorParameters<typeof LiveChatSim>[0] = {}) => {
    sim = new LiveChatSim({ inactivitySeconds: 0, ...options });
    await sim.start();
    receiver = new WebhookReceiver();
    const url = await receiver.start();
    for (const action of ['incoming_event', 'chat_deactivated', 'user_added_to_chat', 'user_removed_from_chat', 'chat_transferred']) {
      sim.registerWebhook({ url, action, secretKey: 'secret', filters: { only_my_chats: true } });
    }
    token = (await customerToken(sim)).token;
  };
  const startChat = async (body: unknown = { chat: { thread: { events: [messageEvent('hi')] } } }) =>
    (await customerAction(sim, token, 'start_chat', body)).json.chat_id as string;
  const systemTypes = () =>
    receiver.ofAction('incoming_event').map((r) => r.body.payload.event).filter((e) => e.type === 'system_message').map((e) => e.system_message_type);

  afterEach(async () => {
    await sim.stop();
    await receiver.stop();
  });

  it('transfer: chat_transferred, the agents swap, and a chat_transferred system message', async () => {
    await setup();
    const chatId = await startChat();
    sim.agentJoin(chatId, 'anna@example.com');
    const message = sim.transfer(chatId, 'bruno@example.com');
    expect(message).toEqual(expect.objectContaining({ system_message_type: 'chat_transferred', text: 'Anna Agent transferred the chat to Bruno Backup' }));
    await receiver.waitFor(1, (r) => r.body.action === 'chat_transferred');
    const [transferred] = receiver.ofAction('chat_transferred');
    expect(transferred!.body.payload).toEqual({
      chat_id: chatId,
      thread_id: expect.any(String),
      requester_id: 'anna@example.com',
      reason: 'manual',
      transferred_to: { group_ids: [0], agent_ids: ['bruno@example.com'] },
    });
    await receiver.waitFor(1, (r) => r.body.action === 'user_removed_from_chat');
    expect(receiver.ofAction('user_removed_from_chat')[0]!.body.payload).toEqual(expect.objectContaining({ user_id: 'anna@example.com', user_type: 'agent' }));
    expect(sim.chat(chatId)!.agentIds).toEqual(['bruno@example.com']);
    expect(sim.agentSays(chatId, 'Bruno here').author_id).toBe('bruno@example.com');
  });

  it('a second agent joining posts agent_joined; a file event has the documented fields', async () => {
    await setup();
    const chatId = await startChat();
    sim.agentJoin(chatId, 'anna@example.com');
    expect(sim.agentJoin(chatId, 'anna@example.com')).toBeUndefined();
    expect(sim.agentJoin(chatId, 'bruno@example.com')!.system_message_type).toBe('agent_joined');
    const file = sim.agentSendsFile(chatId, 'https://cdn.livechat-files.com/api/file/x/receipt.pdf', 'receipt.pdf', { contentType: 'application/pdf', size: 1024 });
    expect(file).toEqual({
      id: expect.any(String),
      created_at: expect.any(String),
      type: 'file',
      author_id: 'anna@example.com',
      name: 'receipt.pdf',
      url: 'https://cdn.livechat-files.com/api/file/x/receipt.pdf',
      content_type: 'application/pdf',
      size: 1024,
      visibility: 'all',
    });
    await receiver.waitFor(1, (r) => r.body.payload.event?.type === 'file');
  });

  it('an agent who writes without joining is listed with present:false', async () => {
    await setup();
    const chatId = await startChat();
    sim.agentSays(chatId, 'drive-by', 'bruno@example.com');
    const chat = await customerAction(sim, token, 'get_chat', { chat_id: chatId });
    expect(chat.json.users).toContainEqual(expect.objectContaining({ id: 'bruno@example.com', type: 'agent', present: false }));
  });

  it('actions on a closed or unknown chat throw ApiError', async () => {
    await setup();
    const chatId = await startChat();
    sim.agentCloses(chatId);
    expect(() => sim.agentSays(chatId, 'too late')).toThrow(ApiError);
    expect(() => sim.agentSays(chatId, 'too late')).toThrow('Chat is inactive');
    expect(() => sim.agentJoin('NOSUCHCHAT')).toThrow('Chat not found');
  });

  it('the router archives an idle chat for inactivity (no user_id) after the configured time', async () => {
    await setup({ inactivitySeconds: 0.3 });
    const chatId = await startChat();
    sim.agentJoin(chatId);
    const closed = await sim.waitForChatClosed(chatId, 2_000);
    expect(closed.active).toBe(false);
    const [deactivated] = await receiver.waitFor(1, (r) => r.body.action === 'chat_deactivated');
    expect(deactivated!.body.payload.user_id).toBeUndefined();
    expect(systemTypes()).toEqual(['routing.assigned', 'routing.archived_inactive']);
  });

  it('messages keep a chat alive; routing.idle is posted first when configured', async () => {
    await setup({ inactivitySeconds: 0.8, idleSeconds: 0.4 });
    const chatId = await startChat();
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await customerAction(sim, token, 'send_event', { chat_id: chatId, event: messageEvent(`ping ${i}`) });
    }
    expect(sim.chat(chatId)!.active).toBe(true);
    await sim.waitForChatClosed(chatId, 2_000);
    await receiver.waitFor(1, (r) => r.body.action === 'chat_deactivated');
    expect(systemTypes()).toEqual(['routing.idle', 'routing.archived_inactive']);
  });

  it('closes queued chats with routing.archived_offline when the last agent goes offline; continuous chats stay', async () => {
    await setup();
    const queued = await startChat();
    const otherToken = (await customerToken(sim)).token;
    const continuous = (await customerAction(sim, otherToken, 'start_chat', { continuous: true })).json.chat_id as string;
    sim.setAgentsOnline(false, ['anna@example.com']);
    expect(sim.chat(queued)!.active).toBe(true);
    sim.setAgentsOnline(false);
    expect(sim.chat(queued)!.active).toBe(false);
    expect(sim.chat(continuous)!.active).toBe(true);
    await receiver.waitFor(1, (r) => r.body.action === 'chat_deactivated');
    expect(systemTypes()).toEqual(['routing.archived_offline']);
    expect(receiver.ofAction('chat_deactivated')[0]!.body.payload.user_id).toBeUndefined();
  });

  it('archiveOffline can be triggered directly', async () => {
    await setup();
    const chatId = await startChat();
    expect(sim.archiveOffline(chatId).text).toBe('Chat archived due to no available agents');
    expect(sim.chat(chatId)!.active).toBe(false);
  });

  it('the control API mirrors the agent actions, and /agent serves the page', async () => {
    await setup();
    const chatId = await startChat();
    const list = await request(`${sim.url}/sim/chats`);
    expect(list.json.map((c: { id: string }) => c.id)).toEqual([chatId]);
    expect((await request(`${sim.url}/sim/chats/${chatId}/join`, { body: { agentId: 'bruno@example.com' } })).status).toBe(200);
    const said = await request(`${sim.url}/sim/chats/${chatId}/say`, { body: { text: 'over HTTP' } });
    expect(said.json).toEqual(expect.objectContaining({ type: 'message', text: 'over HTTP', author_id: 'bruno@example.com' }));
    const events = await request(`${sim.url}/sim/chats/${chatId}/customer-events`);
    expect(events.json.map((e: { text: string }) => e.text)).toEqual(['hi']);
    const closed = await request(`${sim.url}/sim/chats/${chatId}/close`, { body: {} });
    expect(closed.json.system_message_type).toBe('manual_archived_agent');
    const again = await request(`${sim.url}/sim/chats/${chatId}/say`, { body: { text: 'x' } });
    expect([again.status, again.json.error.type]).toEqual([400, 'chat_inactive']);
    await request(`${sim.url}/sim/agents/online`, { body: { online: false } });
    expect((await request(`${sim.url}/sim/agents`)).json.every((a: { online: boolean }) => !a.online)).toBe(true);
    const deliveries = await request(`${sim.url}/sim/deliveries?action=chat_deactivated`);
    expect(deliveries.json).toHaveLength(1);

    const page = await request(`${sim.url}/agent`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('textContent');
    expect(page.text).not.toContain('innerHTML');
  });

  it('waitFor helpers reject with a clear message', async () => {
    await setup();
    const chatId = await startChat();
    await expect(sim.waitForCustomerEvents(chatId, 5, 50)).rejects.toThrow(`timed out after 50 ms waiting for 5 customer events in chat ${chatId} (have 1)`);
    await expect(sim.waitForChatClosed(chatId, 30)).rejects.toThrow(/still active/);
  });
});
