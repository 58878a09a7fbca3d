import { LiveChatSim } from '../livechat-sim.facade';
import { agentToken, customerAction, customerToken, messageEvent } from '../testing/customer-flow.helper';
import { basic, request } from '../testing/spec-http.client';
import { WebhookReceiver } from '../testing/webhook.receiver';

/** Agent Chat API `transfer_chat` over HTTP: the documented body, its validation and errors. */
describe('Agent Chat API transfer_chat', () => {
  let sim: LiveChatSim;
  let receiver: WebhookReceiver;
  let bearer: string;
  let chatId: string;

  beforeEach(async () => {
    sim = new LiveChatSim({ inactivitySeconds: 0, groupIds: [7] });
    await sim.start();
    receiver = new WebhookReceiver();
    const url = await receiver.start();
    for (const action of ['chat_transferred', 'user_removed_from_chat']) sim.registerWebhook({ url, action, secretKey: 'secret' });
    bearer = await agentToken(sim);
    const { token } = await customerToken(sim);
    chatId = (await customerAction(sim, token, 'start_chat', { chat: { thread: { events: [messageEvent('hi')] } } })).json.chat_id;
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.stop();
  });

  const transfer = (body: unknown, authorization = `Bearer ${bearer}`, version = '3.6') =>
    request(`${sim.url}/v${version}/agent/action/transfer_chat`, { body, headers: { authorization } });

  it('moves the chat to the group: access, agents out, chat_transferred to the group', async () => {
    sim.agentJoin(chatId, 'anna@example.com');
    const res = await transfer({ id: chatId, target: { type: 'group', ids: [7] }, ignore_requester_presence: true, ignore_agents_availability: true });
    expect([res.status, res.json]).toEqual([200, {}]);
    expect(sim.chat(chatId)!.groupIds).toEqual([7]);
    await receiver.waitFor(1, (r) => r.body.action === 'chat_transferred');
    expect(receiver.ofAction('chat_transferred')[0]!.body.payload).toMatchObject({ chat_id: chatId, transferred_to: { group_ids: [7], agent_ids: [] } });
    await receiver.waitFor(1, (r) => r.body.action === 'user_removed_from_chat');
    expect(receiver.ofAction('user_removed_from_chat')[0]!.body.payload).toMatchObject({ user_id: 'anna@example.com', user_type: 'agent' });
  });

  it('refuses bad input and callers with the documented error shape, changing nothing', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'validation'],
      [{ id: chatId, target: { type: 'team', ids: [7] }, ignore_requester_presence: true }, 400, 'validation'],
      [{ id: chatId, target: { type: 'group', ids: [] }, ignore_requester_presence: true }, 400, 'validation'],
      [{ id: chatId, target: { type: 'group', ids: ['7'] }, ignore_requester_presence: true }, 400, 'validation'],
      [{ id: chatId, target: { type: 'group', ids: [7] }, ignore_requester_presence: 'yes' }, 400, 'validation'],
      [{ id: chatId, target: { type: 'group', ids: [8] }, ignore_requester_presence: true }, 400, 'group_not_found'],
      // The app's account is not in the chat.
      [{ id: chatId, target: { type: 'group', ids: [7] } }, 400, 'validation'],
      [{ id: 'NOSUCHCHAT', target: { type: 'group', ids: [7] }, ignore_requester_presence: true }, 404, 'not_found'],
    ];
    for (const [body, status, type] of cases) {
      const res = await transfer(body);
      expect([body, res.status, res.json?.error?.type]).toEqual([body, status, type]);
    }
    expect((await transfer({ id: chatId, target: { type: 'group', ids: [7] } }, 'Bearer nope')).json.error.type).toBe('authentication');
    expect((await transfer({ id: chatId, target: { type: 'group', ids: [7] } }, basic('someone', 'wrong'))).json.error.type).toBe('authentication');
    expect((await transfer({ id: chatId, target: { type: 'group', ids: [7] } }, `Bearer ${bearer}`, '3.4')).json.error.type).toBe('unsupported_version');
    expect(sim.chat(chatId)!.groupIds).toEqual([0]);
  });

  it('refuses an inactive chat', async () => {
    sim.agentCloses(chatId, 'anna@example.com');
    const res = await transfer({ id: chatId, target: { type: 'group', ids: [7] }, ignore_requester_presence: true, ignore_agents_availability: true });
    expect([res.status, res.json.error.type]).toEqual([400, 'chat_inactive']);
  });
});
