import { LiveChatSim } from '../livechat-sim.facade';
import { customerAction, customerToken, messageEvent } from '../testing/customer-flow.helper';
import { request } from '../testing/spec-http.client';

describe('fault injection', () => {
  let sim: LiveChatSim;
  let token: string;
  let chatId: string;

  beforeEach(async () => {
    sim = new LiveChatSim({ inactivitySeconds: 0 });
    await sim.start();
    token = (await customerToken(sim)).token;
    chatId = (await customerAction(sim, token, 'start_chat', {})).json.chat_id;
  });
  afterEach(() => sim.stop());

  const send = (text = 'x') => customerAction(sim, token, 'send_event', { chat_id: chatId, event: messageEvent(text) });

  it('failNext answers the next N calls of an action with the error type, then recovers', async () => {
    sim.failNext('send_event', 'internal', 2);
    const first = await send();
    expect([first.status, first.json]).toEqual([500, { error: { type: 'internal', message: 'Internal server error' } }]);
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(200);
    expect((await send()).status).toBe(500);
    expect((await send('through')).status).toBe(200);
    expect(sim.customerEvents(chatId).map((e) => e.text)).toEqual(['through']);
  });

  it('failNext takes a status override, a message and `*` for any action', async () => {
    sim.failNext('*', 'service_unavailable', 1, { status: 502, message: 'upstream hiccup' });
    const res = await customerAction(sim, token, 'get_customer');
    expect([res.status, res.json]).toEqual([502, { error: { type: 'service_unavailable', message: 'upstream hiccup' } }]);
  });

  it('failNext on the Accounts API uses its error format', async () => {
    sim.failNext('customer_token', 'temporarily_unavailable');
    await expect(customerToken(sim)).rejects.toThrow(/503 \{"oauth_exception":"temporarily_unavailable"/);
    await expect(customerToken(sim)).resolves.toEqual(expect.objectContaining({ entityId: expect.any(String) }));
  });

  it('rate limit answers too_many_requests past K calls per window, then lifts', async () => {
    sim.setRateLimit(3, 300);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await customerAction(sim, token, 'list_chats')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await customerAction(sim, token, 'list_chats')).json.error).toEqual({ type: 'too_many_requests', message: 'Too many requests' });
    await new Promise((r) => setTimeout(r, 320));
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(200);
  });

  it('per-token rate limit leaves other callers alone', async () => {
    sim.setRateLimit(1, 10_000, 'token');
    const other = (await customerToken(sim)).token;
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(200);
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(429);
    expect((await customerAction(sim, other, 'list_chats')).status).toBe(200);
  });

  it('down (refuse) refuses connections for the period, then serves again on the same port', async () => {
    const url = sim.url;
    await sim.setDown(250);
    await expect(request(`${url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
    await new Promise((r) => setTimeout(r, 350));
    expect(sim.url).toBe(url);
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(200);
  });

  it('down (503) answers service_unavailable while the control API keeps working', async () => {
    await sim.setDown(250, '503');
    const res = await customerAction(sim, token, 'list_chats');
    expect([res.status, res.json]).toEqual([503, { error: { type: 'service_unavailable', message: 'Service unavailable' } }]);
    const accounts = await request(`${sim.url}/v2/customer/info`);
    expect([accounts.status, accounts.json.oauth_exception]).toEqual([503, 'temporarily_unavailable']);
    expect((await request(`${sim.url}/sim/state`)).json.faults.down).toBe('503');
    await new Promise((r) => setTimeout(r, 300));
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(200);
  });

  it('region move: the old region is misdirected to the new one', async () => {
    sim.setRegion('fra');
    const old = await customerAction(sim, token, 'list_chats');
    expect(old.json.error).toEqual({ type: 'misdirected_request', message: 'Wrong region', data: { region: 'fra' } });
    expect((await customerAction(sim, token, 'list_chats', {}, { headers: { 'x-region': 'fra' } })).status).toBe(200);
  });

  it('latency delays answers', async () => {
    sim.setLatency(120);
    const before = Date.now();
    await customerAction(sim, token, 'list_chats');
    expect(Date.now() - before).toBeGreaterThanOrEqual(110);
  });

  it('the control API drives the same faults', async () => {
    await request(`${sim.url}/sim/faults/fail-next`, { body: { action: 'list_chats', errorType: 'too_many_requests', times: 1 } });
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(429);
    await request(`${sim.url}/sim/faults/rate-limit`, { body: { limit: 1, windowMs: 10_000 } });
    await customerAction(sim, token, 'list_chats');
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(429);
    await request(`${sim.url}/sim/faults/reset`, { method: 'POST' });
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(200);
  });
});
