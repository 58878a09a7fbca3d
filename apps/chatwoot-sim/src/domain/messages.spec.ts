import { ChatwootSim } from '../chatwoot-sim.facade';
import { api, openConversation } from '../testing/spec-http.client';

describe('Chatwoot sandbox: messages', () => {
  let sim: ChatwootSim;

  beforeAll(async () => {
    sim = new ChatwootSim();
    await sim.start();
  });
  afterAll(() => sim.stop());

  it('creates incoming, outgoing and private messages and answers the message partial (integer message_type)', async () => {
    const { conversationId, contactId } = await openConversation(sim);
    const incoming = await api(sim, 'POST', `/conversations/${conversationId}/messages`, { content: 'help', message_type: 'incoming' });
    expect(incoming.json).toMatchObject({ content: 'help', message_type: 0, content_type: 'text', private: false, conversation_id: conversationId, sender: { type: 'contact', id: contactId } });
    const outgoing = await api(sim, 'POST', `/conversations/${conversationId}/messages`, { content: 'on it' });
    expect(outgoing.json).toMatchObject({ message_type: 1, sender: expect.objectContaining({ type: 'user', id: 1 }) });
    const note = await api(sim, 'POST', `/conversations/${conversationId}/messages`, { content: 'internal', private: true });
    expect(note.json).toMatchObject({ message_type: 1, private: true });
  });

  it('keeps the source_id a message is created with, in the answer, the list and the webhook payload', async () => {
    const { conversationId } = await openConversation(sim);
    const created = await api(sim, 'POST', `/conversations/${conversationId}/messages`, { content: 'mine', message_type: 'incoming', source_id: 'ext-42' });
    expect(created.json).toMatchObject({ source_id: 'ext-42' });
    const listed = await api(sim, 'GET', `/conversations/${conversationId}/messages`);
    expect(listed.json.payload.find((m: { id: number }) => m.id === created.json.id)).toMatchObject({ source_id: 'ext-42' });
  });

  it('refuses what MessageBuilder and the reference refuse', async () => {
    const { conversationId } = await openConversation(sim);
    const path = `/conversations/${conversationId}/messages`;
    expect((await api(sim, 'POST', path, {})).json).toEqual({ error: 'content is required' });
    expect((await api(sim, 'POST', path, { content: 'x', message_type: 'activity' })).json).toEqual({ error: "'activity' is not a valid message_type" });
    expect((await api(sim, 'POST', path, { content: 'x', content_type: 'video' })).json).toEqual({ error: "'video' is not a valid content_type" });
    expect((await api(sim, 'POST', path, { content: 'x'.repeat(150_001) })).status).toBe(422);
    expect((await api(sim, 'POST', '/conversations/31337/messages', { content: 'x' })).status).toBe(404);
  });

  it('pages with before and after as MessageFinder does', async () => {
    const { conversationId } = await openConversation(sim);
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push((await api(sim, 'POST', `/conversations/${conversationId}/messages`, { content: `m${i}`, message_type: 'incoming' })).json.id);
    const path = `/conversations/${conversationId}/messages`;
    const latest = await api(sim, 'GET', path);
    expect(latest.json.payload.map((m: { id: number }) => m.id)).toEqual(ids.slice(5));
    expect(latest.json.meta).toMatchObject({ labels: [], contact: expect.objectContaining({ type: 'contact' }) });
    expect((await api(sim, 'GET', `${path}?before=${ids[5]}`)).json.payload.map((m: { id: number }) => m.id)).toEqual(ids.slice(0, 5));
    expect((await api(sim, 'GET', `${path}?after=${ids[20]}`)).json.payload.map((m: { id: number }) => m.id)).toEqual(ids.slice(21));
    expect((await api(sim, 'GET', `${path}?after=${ids[2]}&before=${ids[4]}`)).json.payload.map((m: { id: number }) => m.id)).toEqual([ids[2], ids[3]]);
  });

  it('reopens a resolved conversation on an incoming message and notes it with an activity message', async () => {
    const { conversationId } = await openConversation(sim);
    await api(sim, 'POST', `/conversations/${conversationId}/toggle_status`, { status: 'resolved' });
    await api(sim, 'POST', `/conversations/${conversationId}/messages`, { content: 'back again', message_type: 'incoming' });
    const shown = await api(sim, 'GET', `/conversations/${conversationId}`);
    expect(shown.json.status).toBe('open');
    const list = (await api(sim, 'GET', `/conversations/${conversationId}/messages`)).json.payload as Array<{ message_type: number; content: string }>;
    expect(list.filter((m) => m.message_type === 2).map((m) => m.content)).toEqual([
      'Conversation was marked resolved by Sandbox Admin',
      'System reopened the conversation due to a new incoming message.',
    ]);
    expect((await api(sim, 'GET', `/conversations/${conversationId}/messages?filter_internal_messages=true`)).json.payload.every((m: { message_type: number }) => m.message_type !== 2)).toBe(true);
  });

  it('sends as the user whose token is used', async () => {
    const { conversationId } = await openConversation(sim);
    const anna = sim.users().find((u) => u.id === 2)!;
    const res = await api(sim, 'POST', `/conversations/${conversationId}/messages`, { content: 'from Anna' }, { token: anna.accessToken });
    expect(res.json.sender).toMatchObject({ id: 2, name: 'Anna Agent', type: 'user' });
  });
});
