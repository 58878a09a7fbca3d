import { LiveChatSim } from '../livechat-sim.facade';
import { agentToken, customerAction, customerToken, messageEvent } from '../testing/customer-flow.helper';
import { basic } from '../testing/spec-http.client';

describe('Customer Chat Web API', () => {
  let sim: LiveChatSim;
  let token: string;

  beforeEach(async () => {
    sim = new LiveChatSim({ inactivitySeconds: 0 });
    await sim.start();
    token = (await customerToken(sim)).token;
  });
  afterEach(() => sim.stop());

  const start = (body: unknown = { chat: { thread: { events: [messageEvent('hello', 'k-1')] } } }) => customerAction(sim, token, 'start_chat', body);

  it('start_chat returns ids in the documented forms and records what the customer sent', async () => {
    const res = await start();
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ chat_id: expect.stringMatching(/^[A-Z0-9]{10}$/), thread_id: expect.stringMatching(/^[A-Z0-9]{10}$/), event_ids: [expect.any(String)] });
    const chat = sim.chat(res.json.chat_id)!;
    expect(chat.active).toBe(true);
    expect(chat.properties.source).toEqual({ client_id: sim.config.clientId, customer_client_id: sim.config.clientId });
    expect(sim.customerEvents(res.json.chat_id)).toEqual([
      expect.objectContaining({ id: res.json.event_ids[0], type: 'message', text: 'hello', custom_id: 'k-1', visibility: 'all' }),
    ]);
    expect(sim.customerEvents(res.json.chat_id)[0]!.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('allows one chat per customer', async () => {
    expect((await start()).status).toBe(200);
    const second = await start();
    expect(second.status).toBe(400);
    expect(second.json.error.type).toBe('validation');
  });

  it('start_chat without continuous fails with groups_offline when no agent is online; continuous works', async () => {
    sim.setAgentsOnline(false);
    const offline = await start();
    expect(offline.status).toBe(400);
    expect(offline.json).toEqual({ error: { type: 'groups_offline', message: 'Groups offline' } });
    const continuous = await start({ chat: { thread: { events: [messageEvent('hi')] } }, continuous: true });
    expect(continuous.status).toBe(200);
    expect(sim.chat(continuous.json.chat_id)!.continuous).toBe(true);
  });

  it('send_event returns an event id, enforces the 16 KB text limit and validates the event', async () => {
    const { chat_id } = (await start()).json;
    const ok = await customerAction(sim, token, 'send_event', { chat_id, event: messageEvent('x'.repeat(16 * 1024)) });
    expect(ok.json).toEqual({ event_id: expect.stringMatching(/^[A-Z0-9]{10}_\d+$/) });
    // 4-byte emoji: 4097 of them are 16 388 bytes although only 8 194 UTF-16 units.
    const tooLong = await customerAction(sim, token, 'send_event', { chat_id, event: messageEvent('😁'.repeat(4097)) });
    expect(tooLong.json.error.type).toBe('validation');
    const noText = await customerAction(sim, token, 'send_event', { chat_id, event: { type: 'message' } });
    expect(noText.json.error).toEqual({ type: 'validation', message: '`event.text` is required' });
    const badType = await customerAction(sim, token, 'send_event', { chat_id, event: { type: 'telepathy' } });
    expect(badType.json.error.type).toBe('validation');
    const offCdn = await customerAction(sim, token, 'send_event', { chat_id, event: { type: 'file', url: 'https://evil.example/x.png' } });
    expect(offCdn.json.error.type).toBe('validation');
    expect(sim.customerEvents(chat_id)).toHaveLength(2);
  });

  it('send_event on a closed chat fails with chat_inactive unless attach_to_last_thread', async () => {
    const { chat_id } = (await start()).json;
    sim.agentJoin(chat_id);
    sim.agentCloses(chat_id);
    const res = await customerAction(sim, token, 'send_event', { chat_id, event: messageEvent('anyone?') });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { type: 'chat_inactive', message: 'Chat is inactive' } });
    const attached = await customerAction(sim, token, 'send_event', { chat_id, event: messageEvent('late'), attach_to_last_thread: true });
    expect(attached.status).toBe(200);
  });

  it('get_chat shows agent messages and hides agent-only customer-side events from nobody but agents', async () => {
    const { chat_id, thread_id } = (await start()).json;
    await customerAction(sim, token, 'send_event', { chat_id, event: { type: 'message', text: 'agents only', recipients: 'agents' } });
    sim.agentJoin(chat_id, 'anna@example.com');
    sim.agentSays(chat_id, 'How can I help?');
    const res = await customerAction(sim, token, 'get_chat', { chat_id });
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(chat_id);
    expect(res.json.thread.id).toBe(thread_id);
    expect(res.json.thread.active).toBe(true);
    const texts = res.json.thread.events.map((e: { text?: string }) => e.text);
    expect(texts).toEqual(['hello', 'agents only', 'Chat assigned to Anna Agent', 'How can I help?']);
    expect(res.json.users.map((u: { type: string }) => u.type)).toEqual(['customer', 'agent']);
    const missing = await customerAction(sim, token, 'get_chat', { chat_id, thread_id: 'NOPE000000' });
    expect(missing.json.error.type).toBe('not_found');
  });

  it('deactivate_chat closes the thread; resume_chat opens a new one; list_threads pages them', async () => {
    const { chat_id, thread_id } = (await start()).json;
    const closed = await customerAction(sim, token, 'deactivate_chat', { id: chat_id });
    expect([closed.status, closed.json]).toEqual([200, {}]);
    expect((await customerAction(sim, token, 'deactivate_chat', { id: chat_id })).json.error.type).toBe('chat_inactive');
    const resumed = await customerAction(sim, token, 'resume_chat', { chat: { id: chat_id, thread: { events: [messageEvent('back again')] } } });
    expect(resumed.json).toEqual({ thread_id: expect.any(String), event_ids: [expect.any(String)] });
    expect(resumed.json.thread_id).not.toBe(thread_id);
    expect((await customerAction(sim, token, 'resume_chat', { chat: { id: chat_id } })).json.error.type).toBe('validation');

    const page1 = await customerAction(sim, token, 'list_threads', { chat_id, limit: 1 });
    expect(page1.json.found_threads).toBe(2);
    expect(page1.json.threads.map((t: { id: string }) => t.id)).toEqual([resumed.json.thread_id]);
    expect(page1.json.threads[0].previous_thread_id).toBe(thread_id);
    const page2 = await customerAction(sim, token, 'list_threads', { chat_id, page_id: page1.json.next_page_id });
    expect(page2.json.threads.map((t: { id: string }) => t.id)).toEqual([thread_id]);
    expect(page2.json.threads[0].active).toBe(false);
    const byEvents = await customerAction(sim, token, 'list_threads', { chat_id, min_events_count: 2 });
    expect(byEvents.json.threads).toHaveLength(2);
    const both = await customerAction(sim, token, 'list_threads', { chat_id, limit: 2, min_events_count: 2 });
    expect(both.json.error.type).toBe('validation');
  });

  it('list_chats summarises the customer chat and validates paging', async () => {
    const { chat_id } = (await start()).json;
    const res = await customerAction(sim, token, 'list_chats', {});
    expect(res.json.total_chats).toBe(1);
    expect(res.json.chats_summary[0]).toEqual(expect.objectContaining({ id: chat_id, active: true, last_event_per_type: expect.any(Object) }));
    expect((await customerAction(sim, token, 'list_chats', { limit: 26 })).json.error.type).toBe('validation');
    expect((await customerAction(sim, token, 'list_chats', { page_id: 'x', limit: 5 })).json.error.type).toBe('validation');
  });

  it('another customer cannot see the chat', async () => {
    const { chat_id } = (await start()).json;
    const other = (await customerToken(sim)).token;
    const res = await customerAction(sim, other, 'get_chat', { chat_id });
    expect([res.status, res.json.error.type]).toEqual([404, 'not_found']);
  });

  it('requires organization_id and the right one', async () => {
    const missing = await customerAction(sim, token, 'list_chats', {}, { organizationId: null });
    expect(missing.json.error).toEqual({ type: 'validation', message: '`organization_id` is required' });
    const wrong = await customerAction(sim, token, 'list_chats', {}, { organizationId: '390e44e6-f1e6-0368c-z6ddb-74g14508c2ex' });
    expect(wrong.json.error.type).toBe('license_not_found');
  });

  it('serves v3.5 paths, refuses others with unsupported_version', async () => {
    expect((await customerAction(sim, token, 'list_chats', {}, { version: '3.5' })).status).toBe(200);
    const old = await customerAction(sim, token, 'list_chats', {}, { version: '3.4' });
    expect(old.json.error.type).toBe('unsupported_version');
  });

  it('accepts only customer Bearer tokens', async () => {
    const pat = sim.config.pat;
    const withPat = await customerAction(sim, token, 'list_chats', {}, { headers: { authorization: basic(pat.accountId, pat.token) } });
    expect([withPat.status, withPat.json.error.type]).toEqual([401, 'authentication']);
    const agent = await agentToken(sim);
    expect((await customerAction(sim, agent, 'list_chats')).json.error.type).toBe('authentication');
    const mangled = await customerAction(sim, token.replace(':', '%3A'), 'list_chats');
    expect(mangled.json.error.type).toBe('authentication');
  });

  it('answers misdirected_request with the right region in error.data', async () => {
    const res = await customerAction(sim, token, 'list_chats', {}, { headers: { 'x-region': 'fra' } });
    expect(res.status).toBe(421);
    expect(res.json).toEqual({ error: { type: 'misdirected_request', message: 'Wrong region', data: { region: 'dal' } } });
  });

  it('an EU licence needs X-Region: fra', async () => {
    const eu = new LiveChatSim({ region: 'fra' });
    await eu.start();
    try {
      const { token: euToken } = await customerToken(eu);
      expect(euToken).toMatch(/^fra:/);
      const noHeader = await customerAction(eu, euToken, 'list_chats');
      expect(noHeader.json.error).toEqual({ type: 'misdirected_request', message: 'Wrong region', data: { region: 'fra' } });
      expect((await customerAction(eu, euToken, 'list_chats', {}, { headers: { 'x-region': 'fra' } })).status).toBe(200);
    } finally {
      await eu.stop();
    }
  });

  it('profile updates made during an active chat apply after it closes', async () => {
    const { chat_id } = (await start()).json;
    await customerAction(sim, token, 'update_customer', { name: 'Jane' });
    expect((await customerAction(sim, token, 'get_customer')).json.name).toBeUndefined();
    await customerAction(sim, token, 'deactivate_chat', { id: chat_id });
    expect((await customerAction(sim, token, 'get_customer')).json.name).toBe('Jane');
  });

  it('list_group_statuses follows agent availability; send_sneak_peek is accepted on an active chat', async () => {
    expect((await customerAction(sim, token, 'list_group_statuses', { all: true })).json).toEqual({ groups_status: { '0': 'online' } });
    sim.setAgentsOnline(false);
    expect((await customerAction(sim, token, 'list_group_statuses', { group_ids: [0] })).json).toEqual({ groups_status: { '0': 'offline' } });
    sim.setAgentsOnline(true);
    const { chat_id } = (await start()).json;
    expect((await customerAction(sim, token, 'send_sneak_peek', { chat_id, sneak_peek_text: 'typ' })).status).toBe(200);
  });

  it('rejects malformed requests with validation and unknown actions with not_found', async () => {
    const res = await customerAction(sim, token, 'start_chat', '{not json', { headers: { 'content-type': 'application/json' } });
    expect(res.json.error).toEqual({ type: 'validation', message: 'Invalid JSON' });
    const form = await customerAction(sim, token, 'start_chat', 'continuous=true', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.json.error).toEqual({ type: 'validation', message: 'Content-Type must be application/json' });
    expect((await customerAction(sim, token, 'do_magic')).json.error.type).toBe('not_found');
  });
});
