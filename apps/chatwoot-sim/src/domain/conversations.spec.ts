import { ChatwootSim } from '../chatwoot-sim.facade';
import { api, openConversation } from '../testing/spec-http.client';

describe('Chatwoot sandbox: conversations', () => {
  let sim: ChatwootSim;

  beforeAll(async () => {
    sim = new ChatwootSim();
    await sim.start();
  });
  afterAll(() => sim.stop());

  async function contact(identifier: string): Promise<{ id: number; sourceId: string }> {
    const res = await api(sim, 'POST', '/contacts', { inbox_id: 1, name: identifier, identifier });
    return { id: res.json.payload.contact.id, sourceId: res.json.payload.contact_inbox.source_id };
  }

  it('creates a conversation on a contact inbox and answers the conversation partial with its display id', async () => {
    const c = await contact('conv-a');
    const res = await api(sim, 'POST', '/conversations', { source_id: c.sourceId, inbox_id: 1, contact_id: c.id, custom_attributes: { kore_session: 's1' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: expect.any(Number), inbox_id: 1, status: 'open', custom_attributes: { kore_session: 's1' }, messages: [], can_reply: true });
    expect(res.json.meta).toMatchObject({ sender: expect.objectContaining({ id: c.id }), channel: 'Channel::Api' });
    expect((await api(sim, 'GET', `/conversations/${res.json.id}`)).json.id).toBe(res.json.id);
  });

  it('finds a contact inbox by source id alone, and answers 404 when none has it', async () => {
    const c = await contact('conv-b');
    expect((await api(sim, 'POST', '/conversations', { source_id: c.sourceId })).status).toBe(200);
    expect((await api(sim, 'POST', '/conversations', { source_id: 'nobody' })).status).toBe(404);
    expect((await api(sim, 'POST', '/conversations', {})).status).toBe(404);
    expect((await api(sim, 'POST', '/conversations', { inbox_id: 9, contact_id: c.id })).status).toBe(404);
    expect((await api(sim, 'POST', '/conversations', { inbox_id: 1, contact_id: 999 })).status).toBe(404);
  });

  it('refuses another contact\'s source id, an unknown status and a malformed body', async () => {
    const a = await contact('conv-c1');
    const b = await contact('conv-c2');
    const taken = await api(sim, 'POST', '/conversations', { source_id: a.sourceId, inbox_id: 1, contact_id: b.id });
    expect(taken.status).toBe(422);
    expect(taken.json).toEqual({ error: 'source_id should be unique' });
    const status = await api(sim, 'POST', '/conversations', { source_id: b.sourceId, status: 'closed' });
    expect(status.json).toEqual({ error: "'closed' is not a valid status" });
    expect((await api(sim, 'POST', '/conversations', { source_id: b.sourceId, message: 'hi' })).status).toBe(422);
    expect((await api(sim, 'POST', '/conversations', { source_id: b.sourceId, assignee_id: 77 })).status).toBe(422);
  });

  it('creates the first message as outgoing from the token\'s user unless it says incoming', async () => {
    const c = await contact('conv-d');
    const res = await api(sim, 'POST', '/conversations', { source_id: c.sourceId, message: { content: 'Started by the agent side' } });
    expect(res.json.messages[0]).toMatchObject({ content: 'Started by the agent side', message_type: 1, sender: expect.objectContaining({ type: 'user', id: 1 }) });
    const incoming = await api(sim, 'POST', '/conversations', { source_id: c.sourceId, message: { content: 'From the user', message_type: 'incoming' } });
    expect(incoming.json.messages[0]).toMatchObject({ message_type: 0, sender: expect.objectContaining({ type: 'contact', id: c.id }) });
  });

  it('toggles and sets the status, answering Chatwoot\'s toggle_status payload', async () => {
    const { conversationId } = await openConversation(sim);
    const toggled = await api(sim, 'POST', `/conversations/${conversationId}/toggle_status`, {});
    expect(toggled.json).toEqual({ meta: {}, payload: { success: true, conversation_id: conversationId, current_status: 'resolved', snoozed_until: null } });
    const pending = await api(sim, 'POST', `/conversations/${conversationId}/toggle_status`, { status: 'pending' });
    expect(pending.json.payload.current_status).toBe('pending');
    expect((await api(sim, 'POST', `/conversations/${conversationId}/toggle_status`, {})).json.payload.current_status).toBe('open');
    expect((await api(sim, 'POST', `/conversations/${conversationId}/toggle_status`, { status: 'closed' })).status).toBe(422);
    expect((await api(sim, 'POST', '/conversations/4242/toggle_status', { status: 'open' })).status).toBe(404);
  });

  it('assigns an agent or a team; an unknown agent unassigns; a team drops an assignee outside it and picks a member', async () => {
    const { conversationId } = await openConversation(sim);
    const agent = await api(sim, 'POST', `/conversations/${conversationId}/assignments`, { assignee_id: 1 });
    expect(agent.json).toMatchObject({ id: 1, role: 'administrator', account_id: 1 });
    const team = await api(sim, 'POST', `/conversations/${conversationId}/assignments`, { team_id: 2 });
    expect(team.json).toMatchObject({ id: 2, name: 'billing', allow_auto_assign: true });
    const shown = await api(sim, 'GET', `/conversations/${conversationId}`);
    expect(shown.json.meta.assignee).toMatchObject({ id: 3 });
    expect(shown.json.meta.team).toMatchObject({ id: 2, name: 'billing' });
    const gone = await api(sim, 'POST', `/conversations/${conversationId}/assignments`, { assignee_id: 999 });
    expect(gone.text).toBe('null');
    expect((await api(sim, 'GET', `/conversations/${conversationId}`)).json.meta.assignee).toBeUndefined();
    expect((await api(sim, 'POST', `/conversations/${conversationId}/assignments`, {})).text).toBe('null');
  });

  it('replaces or merges custom attributes and acknowledges typing with an empty 200', async () => {
    const { conversationId } = await openConversation(sim);
    await api(sim, 'POST', `/conversations/${conversationId}/custom_attributes`, { custom_attributes: { a: 1 } });
    const merged = await api(sim, 'POST', `/conversations/${conversationId}/custom_attributes`, { custom_attributes: { b: 2 }, merge: true });
    expect(merged.json).toEqual({ custom_attributes: { a: 1, b: 2 } });
    const replaced = await api(sim, 'POST', `/conversations/${conversationId}/custom_attributes`, { custom_attributes: { c: 3 } });
    expect(replaced.json).toEqual({ custom_attributes: { c: 3 } });
    expect((await api(sim, 'POST', `/conversations/${conversationId}/custom_attributes`, { custom_attributes: [1] })).status).toBe(422);
    const typing = await api(sim, 'POST', `/conversations/${conversationId}/toggle_typing_status`, { typing_status: 'on' });
    expect([typing.status, typing.text]).toEqual([200, '']);
  });

  it('lists open conversations with counts, filtered by assignee type and source id', async () => {
    const { conversationId, sourceId } = await openConversation(sim, 'listed-user');
    const all = await api(sim, 'GET', '/conversations?assignee_type=all');
    expect(all.json.data.meta).toEqual(expect.objectContaining({ all_count: expect.any(Number), unassigned_count: expect.any(Number) }));
    const bySource = await api(sim, 'GET', `/conversations?source_id=${sourceId}`);
    expect(bySource.json.data.payload.map((c: { id: number }) => c.id)).toEqual([conversationId]);
    await api(sim, 'POST', `/conversations/${conversationId}/toggle_status`, { status: 'resolved' });
    expect((await api(sim, 'GET', `/conversations?source_id=${sourceId}`)).json.data.payload).toEqual([]);
    expect((await api(sim, 'GET', `/conversations?source_id=${sourceId}&status=resolved`)).json.data.payload).toHaveLength(1);
  });
});
