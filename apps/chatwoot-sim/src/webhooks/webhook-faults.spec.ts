import { ChatwootSim } from '../chatwoot-sim.facade';
import { api, openConversation } from '../testing/spec-http.client';
import { WebhookReceiver } from '../testing/webhook.receiver';

describe('Chatwoot sandbox: webhook registration and delivery faults', () => {
  let sim: ChatwootSim;
  let receiver: WebhookReceiver;
  let conversationId: number;

  beforeAll(async () => {
    sim = new ChatwootSim();
    await sim.start();
    receiver = new WebhookReceiver();
    sim.registerWebhook({ url: await receiver.start(), subscriptions: ['message_created'] });
    conversationId = (await openConversation(sim)).conversationId;
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.stop();
  });
  afterEach(() => sim.resetFaults());

  const say = (text: string): number => sim.contactSays(conversationId, text).id;
  const contents = (): string[] => receiver.ofEvent('message_created').map((r) => r.body.content);

  it('validates webhooks as the Webhook model does and updates or deletes them', async () => {
    expect((await api(sim, 'POST', '/webhooks', { webhook: { url: 'notaurl', subscriptions: ['message_created'] } })).json).toEqual({ message: 'Url is invalid', attributes: ['url'] });
    expect((await api(sim, 'POST', '/webhooks', { url: 'http://127.0.0.1:1/x', subscriptions: [] })).json.attributes).toEqual(['subscriptions']);
    expect((await api(sim, 'POST', '/webhooks', { url: sim.webhooks()[0]!.url, subscriptions: ['message_created'] })).json.message).toBe('Url has already been taken');
    const created = await api(sim, 'POST', '/webhooks', { url: 'http://127.0.0.1:1/spare', subscriptions: ['message_updated'] });
    const id = created.json.payload.webhook.id;
    expect(created.json.payload.webhook.secret).toEqual(expect.any(String));
    const patched = await api(sim, 'PATCH', `/webhooks/${id}`, { subscriptions: ['conversation_created', 'conversation_updated'] });
    expect(patched.json.payload.webhook.subscriptions).toEqual(['conversation_created', 'conversation_updated']);
    expect((await api(sim, 'GET', '/webhooks')).json.payload.webhooks).toHaveLength(2);
    const deleted = await api(sim, 'DELETE', `/webhooks/${id}`);
    expect([deleted.status, deleted.text]).toEqual([200, '']);
    expect((await api(sim, 'DELETE', `/webhooks/${id}`)).status).toBe(404);
  });

  it('duplicates a delivery with the same X-Chatwoot-Delivery id', async () => {
    sim.setWebhookFaults({ duplicate: 1 });
    say('twice');
    const hooks = await receiver.waitFor(2, (r) => r.body.content === 'twice');
    expect(hooks[0]!.headers['x-chatwoot-delivery']).toBe(hooks[1]!.headers['x-chatwoot-delivery']);
    await sim.waitForDeliveries((d) => d.body.content === 'twice', 2);
    expect(sim.deliveries().filter((d) => d.body.content === 'twice').map((d) => d.duplicate)).toEqual([false, true]);
  });

  it('holds one delivery back and sends it after the next (out of order)', async () => {
    sim.setWebhookFaults({ hold: 1 });
    say('first');
    say('second');
    await receiver.waitFor(1, (r) => r.body.content === 'first');
    const order = contents().filter((c) => c === 'first' || c === 'second');
    expect(order).toEqual(['second', 'first']);
  });

  it('drops a delivery for good, which the message list still shows (the catch-up path)', async () => {
    sim.setWebhookFaults({ drop: 1 });
    const dropped = say('lost');
    say('after the loss');
    await receiver.waitFor(1, (r) => r.body.content === 'after the loss');
    expect(contents()).not.toContain('lost');
    expect(sim.deliveries().find((d) => d.body.content === 'lost')!.state).toBe('dropped');
    const list = await api(sim, 'GET', `/conversations/${conversationId}/messages?after=${dropped - 1}`);
    expect(list.json.payload.map((m: { content: string }) => m.content)).toEqual(['lost', 'after the loss']);
  });

  it('sends once, without retry, when the receiver fails (as Chatwoot does for account webhooks)', async () => {
    receiver.respond = () => 500;
    say('refused');
    const [record] = await sim.waitForDeliveries((d) => d.body.content === 'refused');
    expect(record!.state).toBe('failed');
    expect(record!.attempts).toEqual([expect.objectContaining({ status: 500 })]);
    receiver.respond = () => 200;
  });
});
