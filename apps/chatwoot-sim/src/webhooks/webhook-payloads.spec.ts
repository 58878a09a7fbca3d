import { ChatwootSim } from '../chatwoot-sim.facade';
import { api, openConversation } from '../testing/spec-http.client';
import { WebhookReceiver } from '../testing/webhook.receiver';
import { signatureOf } from './webhook.signature';

describe('Chatwoot sandbox: webhook payloads', () => {
  let sim: ChatwootSim;
  let receiver: WebhookReceiver;
  const SECRET = 'payload-spec-secret';

  beforeAll(async () => {
    sim = new ChatwootSim({ webhookSecret: SECRET });
    await sim.start();
    receiver = new WebhookReceiver();
    const url = await receiver.start();
    const created = await api(sim, 'POST', '/webhooks', { url, subscriptions: ['conversation_created', 'conversation_status_changed', 'conversation_updated', 'message_created', 'conversation_typing_on', 'contact_created'] });
    expect(created.json.payload.webhook).toMatchObject({ id: expect.any(Number), url, account_id: 1, secret: SECRET });
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.stop();
  });

  it('signs every delivery over "{timestamp}.{raw body}" and names it', async () => {
    await openConversation(sim);
    const [first] = await receiver.waitFor(1);
    const timestamp = Number(first!.headers['x-chatwoot-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(first!.headers['x-chatwoot-signature']).toBe(signatureOf(SECRET, timestamp, first!.raw));
    expect(first!.headers['x-chatwoot-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first!.headers['content-type']).toBe('application/json');
  });

  it('sends message_created as Message#webhook_data: string message_type, contact sender, conversation push data', async () => {
    const { conversationId, contactId, sourceId } = await openConversation(sim, 'payload-user');
    await api(sim, 'POST', `/conversations/${conversationId}/messages`, { content: 'I need a human', message_type: 'incoming' });
    const [hook] = await receiver.waitFor(1, (r) => r.body.event === 'message_created' && r.body.content === 'I need a human');
    const body = hook!.body;
    expect(body).toMatchObject({
      event: 'message_created',
      id: expect.any(Number),
      content: 'I need a human',
      message_type: 'incoming',
      content_type: 'text',
      private: false,
      source_id: null,
      account: { id: 1, name: 'Sandbox Account' },
      inbox: { id: 1, name: 'Kore bridge' },
      sender: { id: contactId, type: 'contact', identifier: 'payload-user', account: { id: 1, name: 'Sandbox Account' } },
    });
    expect(new Date(body.created_at).toISOString()).toBe(body.created_at);
    expect(body.conversation).toMatchObject({
      id: conversationId,
      inbox_id: 1,
      status: 'open',
      channel: 'Channel::Api',
      contact_inbox: { source_id: sourceId, contact_id: contactId, inbox_id: 1 },
      meta: { sender: { id: contactId, type: 'contact' }, assignee: null, team: null },
    });
    // Inside the conversation, messages are in push form: the integer type.
    expect(body.conversation.messages[0]).toMatchObject({ content: 'I need a human', message_type: 0, conversation_id: conversationId });
  });

  it('sends agent replies and private notes with a user sender, and never activity messages', async () => {
    const { conversationId } = await openConversation(sim);
    sim.agentReply(conversationId, 'Anna here', 2);
    sim.agentNote(conversationId, 'note to self', 2);
    sim.resolve(conversationId, 2);
    const hooks = await receiver.waitFor(2, (r) => r.body.event === 'message_created' && r.body.conversation.id === conversationId);
    expect(hooks.map((h) => [h.body.content, h.body.message_type, h.body.private, h.body.sender])).toEqual([
      ['Anna here', 'outgoing', false, { id: 2, name: 'Anna Agent', email: 'anna@example.com', type: 'user' }],
      ['note to self', 'outgoing', true, { id: 2, name: 'Anna Agent', email: 'anna@example.com', type: 'user' }],
    ]);
    await receiver.waitFor(1, (r) => r.body.event === 'conversation_status_changed' && r.body.id === conversationId);
    expect(receiver.ofEvent('message_created').some((r) => String(r.body.content).startsWith('Conversation was marked'))).toBe(false);
  });

  it('sends status changes with changed_attributes, then conversation_updated with every change', async () => {
    const { conversationId } = await openConversation(sim);
    await api(sim, 'POST', `/conversations/${conversationId}/toggle_status`, { status: 'resolved' });
    const [changed] = await receiver.waitFor(1, (r) => r.body.event === 'conversation_status_changed' && r.body.id === conversationId);
    expect(changed!.body).toMatchObject({ id: conversationId, status: 'resolved', changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }] });
    const [updated] = await receiver.waitFor(1, (r) => r.body.event === 'conversation_updated' && r.body.id === conversationId && r.body.status === 'resolved');
    expect(updated!.body.changed_attributes).toEqual(expect.arrayContaining([{ status: { previous_value: 'open', current_value: 'resolved' } }]));
    expect(receiver.received.indexOf(changed!)).toBeLessThan(receiver.received.indexOf(updated!));
  });

  it('sends an assignment as conversation_updated with the assignee in meta', async () => {
    const { conversationId } = await openConversation(sim);
    await api(sim, 'POST', `/conversations/${conversationId}/assignments`, { assignee_id: 2 });
    const [hook] = await receiver.waitFor(1, (r) => r.body.event === 'conversation_updated' && r.body.id === conversationId && r.body.meta.assignee);
    expect(hook!.body.meta.assignee).toMatchObject({ id: 2, name: 'Anna Agent', type: 'user', availability_status: 'online' });
    expect(hook!.body.changed_attributes).toEqual(expect.arrayContaining([{ assignee_id: { previous_value: null, current_value: 2 } }]));
  });

  it('sends typing with the user and the conversation', async () => {
    const { conversationId } = await openConversation(sim);
    await api(sim, 'POST', `/conversations/${conversationId}/toggle_typing_status`, { typing_status: 'on' });
    const [hook] = await receiver.waitFor(1, (r) => r.body.event === 'conversation_typing_on' && r.body.conversation.id === conversationId);
    expect(hook!.body).toEqual({ event: 'conversation_typing_on', user: { id: 1, name: 'Sandbox Admin', email: 'admin@example.com', type: 'user' }, conversation: expect.objectContaining({ id: conversationId }), is_private: false });
  });

  it('sends conversation_created with the first message included', async () => {
    const res = await api(sim, 'POST', '/contacts', { inbox_id: 1, name: 'First' });
    const created = await api(sim, 'POST', '/conversations', { source_id: res.json.payload.contact_inbox.source_id, message: { content: 'opening line', message_type: 'incoming' } });
    const [hook] = await receiver.waitFor(1, (r) => r.body.event === 'conversation_created' && r.body.id === created.json.id);
    expect(hook!.body.messages).toEqual([expect.objectContaining({ content: 'opening line', message_type: 0 })]);
    await receiver.waitFor(1, (r) => r.body.event === 'message_created' && r.body.content === 'opening line');
    const order = receiver.received.filter((r) => (r.body.id === created.json.id && r.body.event === 'conversation_created') || r.body.content === 'opening line').map((r) => r.body.event);
    expect(order).toEqual(['conversation_created', 'message_created']);
    expect(receiver.ofEvent('contact_created').some((r) => r.body.id === res.json.payload.contact.id)).toBe(true);
  });
});
