import { ChatwootSim } from '../chatwoot-sim.facade';
import { api, openConversation } from '../testing/spec-http.client';
import { WebhookReceiver } from '../testing/webhook.receiver';

describe('Chatwoot sandbox: auto-assignment and unsigned webhooks', () => {
  it('assigns new open conversations round-robin to online inbox agents when the inbox auto-assigns', async () => {
    const sim = new ChatwootSim({ autoAssign: true });
    await sim.start();
    try {
      const first = await openConversation(sim);
      const second = await openConversation(sim);
      expect([sim.conversation(first.conversationId)!.assigneeId, sim.conversation(second.conversationId)!.assigneeId]).toEqual([2, 3]);
      sim.setAvailability(2, 'offline');
      sim.setAvailability(3, 'offline');
      const third = await openConversation(sim);
      expect(sim.conversation(third.conversationId)!.assigneeId).toBeNull();
      sim.setAvailability(3, 'online');
      sim.resolve(third.conversationId, 1);
      await api(sim, 'POST', `/conversations/${third.conversationId}/toggle_status`, { status: 'open' });
      expect(sim.conversation(third.conversationId)!.assigneeId).toBe(3);
    } finally {
      await sim.stop();
    }
  });

  it('sends no signature headers and shows no secret when signing is off (Chatwoot before 4.11.2)', async () => {
    const sim = new ChatwootSim({ signWebhooks: false });
    const receiver = new WebhookReceiver();
    await sim.start();
    try {
      const created = await api(sim, 'POST', '/webhooks', { url: await receiver.start(), subscriptions: ['conversation_created'] });
      expect(created.json.payload.webhook).not.toHaveProperty('secret');
      await openConversation(sim);
      const [hook] = await receiver.waitFor(1);
      expect(Object.keys(hook!.headers).filter((h) => h.startsWith('x-chatwoot-'))).toEqual([]);
    } finally {
      await sim.stop();
      await receiver.stop();
    }
  });
});
