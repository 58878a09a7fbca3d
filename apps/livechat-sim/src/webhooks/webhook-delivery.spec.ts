import { LiveChatSim } from '../livechat-sim.facade';
import { customerAction, customerToken, messageEvent } from '../testing/customer-flow.helper';
import { basic, request } from '../testing/spec-http.client';
import { WebhookReceiver } from '../testing/webhook.receiver';

const SECRET = 'bridge-webhook-secret';
const ACTIONS = ['incoming_chat', 'incoming_event', 'chat_deactivated', 'user_added_to_chat', 'user_removed_from_chat', 'chat_transferred'];

describe('licence webhooks', () => {
  let sim: LiveChatSim;
  let receiver: WebhookReceiver;
  let url: string;
  let token: string;

  beforeEach(async () => {
    sim = new LiveChatSim({ inactivitySeconds: 0, webhooks: { timeoutMs: 300, retryDelaysMs: [30, 30, 30] } });
    await sim.start();
    receiver = new WebhookReceiver();
    url = await receiver.start();
    token = (await customerToken(sim)).token;
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.stop();
  });

  const register = async (action: string, extra: Record<string, unknown> = {}) => {
    const pat = sim.config.pat;
    const res = await request(`${sim.url}/v3.6/configuration/action/register_webhook`, {
      body: { url, action, secret_key: SECRET, owner_client_id: sim.config.clientId, type: 'license', filters: { only_my_chats: true }, ...extra },
      headers: { authorization: basic(pat.accountId, pat.token) },
    });
    expect(res.status).toBe(200);
    return res.json.id as string;
  };
  const startChat = async () => (await customerAction(sim, token, 'start_chat', { chat: { thread: { events: [messageEvent('hi')] } } })).json.chat_id as string;

  it('delivers the agent flow with the documented envelope, in order', async () => {
    const ids: Record<string, string> = {};
    for (const action of ACTIONS) ids[action] = await register(action);
    const chatId = await startChat();
    const incoming = await receiver.waitFor(1, (r) => r.body.action === 'incoming_chat');
    expect(incoming[0]!.body).toEqual({
      webhook_id: ids.incoming_chat,
      secret_key: SECRET,
      action: 'incoming_chat',
      organization_id: sim.config.organizationId,
      payload: { chat: expect.objectContaining({ id: chatId, thread: expect.objectContaining({ events: [expect.objectContaining({ text: 'hi' })] }) }) },
    });

    sim.agentJoin(chatId, 'anna@example.com');
    const said = sim.agentSays(chatId, 'Hello, Anna here');
    sim.agentCloses(chatId);
    await receiver.waitFor(1, (r) => r.body.action === 'chat_deactivated');
    const after = receiver.received.filter((r) => r.body.action !== 'incoming_chat').map((r) => r.body);
    expect(after.map((b) => [b.action, b.payload.event?.type, b.payload.event?.system_message_type])).toEqual([
      ['user_added_to_chat', undefined, undefined],
      ['incoming_event', 'system_message', 'routing.assigned'],
      ['incoming_event', 'message', undefined],
      ['incoming_event', 'system_message', 'manual_archived_agent'],
      ['chat_deactivated', undefined, undefined],
    ]);
    const threadId = sim.chat(chatId)!.threads[0]!.id;
    expect(after[0].payload).toEqual({
      chat_id: chatId,
      thread_id: threadId,
      user: expect.objectContaining({ id: 'anna@example.com', type: 'agent', name: 'Anna Agent', present: true }),
      reason: 'manual',
      requester_id: 'anna@example.com',
    });
    expect(after[2]).toEqual({
      webhook_id: ids.incoming_event,
      secret_key: SECRET,
      action: 'incoming_event',
      organization_id: sim.config.organizationId,
      payload: { chat_id: chatId, thread_id: threadId, event: { id: said.id, created_at: said.created_at, type: 'message', author_id: 'anna@example.com', text: 'Hello, Anna here', visibility: 'all' } },
    });
    expect(after[3].payload.event).toEqual(expect.objectContaining({ text: 'Anna Agent archived the chat', text_vars: { agent: 'Anna Agent' } }));
    expect(after[3].payload.event.author_id).toBeUndefined();
    expect(after[4].payload).toEqual({ chat_id: chatId, thread_id: threadId, user_id: 'anna@example.com' });
  });

  it('router closure has no user_id; customer closure carries the customer id', async () => {
    await register('chat_deactivated');
    await register('incoming_event');
    const chatId = await startChat();
    sim.archiveInactive(chatId);
    const [closed] = await receiver.waitFor(1, (r) => r.body.action === 'chat_deactivated');
    expect(Object.keys(closed!.body.payload).sort()).toEqual(['chat_id', 'thread_id']);
    const system = receiver.ofAction('incoming_event').map((r) => r.body.payload.event).find((e) => e.type === 'system_message');
    expect(system.system_message_type).toBe('routing.archived_inactive');

    await customerAction(sim, token, 'resume_chat', { chat: { id: chatId } });
    await customerAction(sim, token, 'deactivate_chat', { id: chatId });
    const both = await receiver.waitFor(2, (r) => r.body.action === 'chat_deactivated');
    expect(both[1]!.body.payload.user_id).toBe(sim.chat(chatId)!.customerId);
  });

  it('adds additional_data only when asked for', async () => {
    await register('incoming_event', { additional_data: ['chat_properties', 'chat_presence_user_ids'] });
    const chatId = await startChat();
    sim.agentJoin(chatId, 'anna@example.com');
    const [first] = await receiver.waitFor(1);
    expect(first!.body.additional_data).toEqual({
      chat_properties: { source: { client_id: sim.config.clientId, customer_client_id: sim.config.clientId } },
      chat_presence_user_ids: [sim.chat(chatId)!.customerId, 'anna@example.com'],
    });
  });

  it('only_my_chats keeps chats started with our client id; author_type drops the others', async () => {
    sim.registerWebhook({ url, action: 'incoming_event', secretKey: 'other', ownerClientId: 'someone-else', filters: { only_my_chats: true } });
    const pat = sim.config.pat;
    await request(`${sim.url}/v3.6/configuration/action/enable_license_webhooks`, {
      body: { owner_client_id: 'someone-else' },
      headers: { authorization: basic(pat.accountId, pat.token) },
    });
    await register('incoming_event', { filters: { only_my_chats: true, author_type: 'agent' } });
    const chatId = await startChat();
    await customerAction(sim, token, 'send_event', { chat_id: chatId, event: messageEvent('from customer') });
    sim.agentJoin(chatId);
    sim.agentSays(chatId, 'from agent');
    await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received.map((r) => [r.body.secret_key, r.body.payload.event.text])).toEqual([[SECRET, 'from agent']]);
  });

  it('retries a non-2xx answer until it succeeds and logs every attempt', async () => {
    await register('incoming_event');
    receiver.respond = (n) => ({ status: n <= 2 ? 500 : 200 });
    const chatId = await startChat();
    const event = sim.agentSays(chatId, 'retry me');
    await receiver.waitFor(3);
    expect(new Set(receiver.received.map((r) => r.body.payload.event.id))).toEqual(new Set([event.id]));
    const [record] = await sim.waitForDeliveries((d) => d.state === 'delivered');
    expect(record!.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
  });

  it('retries after a timeout and gives up after the schedule', async () => {
    await register('incoming_event');
    receiver.respond = (n) => (n === 1 ? { status: 200, delayMs: 600 } : { status: 503 });
    const chatId = await startChat();
    sim.agentSays(chatId, 'slow');
    const [record] = await sim.waitForDeliveries((d) => d.state === 'failed', 1, 3_000);
    expect(record!.attempts.map((a) => a.error ?? a.status)).toEqual(['timeout', 503, 503, 503]);
  });

  it('retries when the receiver is unreachable', async () => {
    await register('incoming_event');
    await receiver.stop();
    const chatId = await startChat();
    sim.agentSays(chatId, 'nobody home');
    const [record] = await sim.waitForDeliveries((d) => d.state === 'failed', 1, 3_000);
    expect(record!.attempts).toHaveLength(4);
    expect(record!.attempts[0]!.error).toMatch(/ECONNREFUSED/);
  });

  it('duplicate fault delivers every webhook twice with the same event id', async () => {
    await register('incoming_event');
    sim.setWebhookFaults({ duplicate: true });
    const chatId = await startChat();
    const event = sim.agentSays(chatId, 'twice');
    const got = await receiver.waitFor(2);
    expect(got.map((r) => r.body.payload.event.id)).toEqual([event.id, event.id]);
    expect(sim.webhookDeliveries().map((d) => d.duplicate)).toEqual([false, true]);
  });

  it('failFirstAttempts sends the delivery, counts it failed and retries it (a lost acknowledgement)', async () => {
    await register('incoming_event');
    sim.setWebhookFaults({ failFirstAttempts: 1 });
    const chatId = await startChat();
    sim.agentSays(chatId, 'ack lost');
    const got = await receiver.waitFor(2);
    expect(got[0]!.body).toEqual(got[1]!.body);
    const [record] = await sim.waitForDeliveries((d) => d.state === 'delivered');
    expect(record!.attempts.map((a) => [a.status, a.injectedFailure ?? false])).toEqual([
      [200, true],
      [200, false],
    ]);
  });

  it('reorder fault sends the next delivery before the held one', async () => {
    await register('incoming_event');
    sim.setWebhookFaults({ reorder: true });
    const chatId = await startChat();
    sim.agentSays(chatId, 'first');
    sim.agentSays(chatId, 'second');
    const got = await receiver.waitFor(2);
    expect(got.map((r) => r.body.payload.event.text)).toEqual(['second', 'first']);
  });

  it('a held delivery goes out on its own after reorderMaxHoldMs', async () => {
    await register('incoming_event');
    sim.setWebhookFaults({ reorder: true, reorderMaxHoldMs: 50 });
    const chatId = await startChat();
    sim.agentSays(chatId, 'alone');
    expect((await receiver.waitFor(1))[0]!.body.payload.event.text).toBe('alone');
  });

  it('delay and wrong-secret faults', async () => {
    await register('incoming_event');
    sim.setWebhookFaults({ delayMs: 150, wrongSecret: true });
    const chatId = await startChat();
    const before = Date.now();
    sim.agentSays(chatId, 'late and wrong');
    const [got] = await receiver.waitFor(1);
    expect(got!.at - before).toBeGreaterThanOrEqual(140);
    expect(got!.body.secret_key).not.toBe(SECRET);
  });

  it('disabled licence webhooks deliver nothing', async () => {
    await register('incoming_event');
    const pat = sim.config.pat;
    await request(`${sim.url}/v3.6/configuration/action/disable_license_webhooks`, {
      body: { owner_client_id: sim.config.clientId },
      headers: { authorization: basic(pat.accountId, pat.token) },
    });
    const chatId = await startChat();
    sim.agentSays(chatId, 'silence');
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toHaveLength(0);
  });
});
