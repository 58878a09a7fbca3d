import { ChatwootSim } from '../chatwoot-sim.facade';
import { api, request } from '../testing/spec-http.client';

describe('Chatwoot sandbox: API faults', () => {
  let sim: ChatwootSim;

  beforeAll(async () => {
    sim = new ChatwootSim();
    await sim.start();
  });
  afterAll(() => sim.stop());
  afterEach(() => sim.resetFaults());

  it('answers 429 as Rack::Attack does for the next N calls, with Retry-After unless told not to', async () => {
    sim.failNext({ kind: 'rate-limit', times: 2, retryAfterSeconds: 7 });
    const first = await api(sim, 'GET', '/agents');
    expect([first.status, first.headers['retry-after'], first.headers['content-type'], first.text]).toEqual([429, '7', 'text/plain', 'Retry later\n']);
    expect((await api(sim, 'GET', '/agents')).status).toBe(429);
    expect((await api(sim, 'GET', '/agents')).status).toBe(200);
    sim.failNext({ kind: 'rate-limit', retryAfterSeconds: null });
    const bare = await api(sim, 'GET', '/agents');
    expect([bare.status, bare.headers['retry-after']]).toEqual([429, undefined]);
  });

  it('fails only the named route, with the status asked for, before authentication', async () => {
    sim.failNext({ kind: 'error', times: 1, status: 503, route: 'messages.create' });
    expect((await api(sim, 'GET', '/agents')).status).toBe(200);
    const failed = await api(sim, 'POST', '/conversations/1/messages', { content: 'x' }, { token: null });
    expect(failed.status).toBe(503);
  });

  it('delays answers, once or for every call', async () => {
    sim.failNext({ kind: 'delay', delayMs: 300 });
    let started = Date.now();
    await api(sim, 'GET', '/agents');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    await api(sim, 'GET', '/agents');
    expect(Date.now() - started).toBeLessThan(290);
    sim.setLatency(150);
    started = Date.now();
    await api(sim, 'GET', '/teams');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('takes the same faults through the control API', async () => {
    const res = await request(`${sim.url}/sim/faults/error`, { body: { times: 1, status: 502 } });
    expect(res.json).toMatchObject({ kind: 'error', status: 502, remaining: 1 });
    expect((await api(sim, 'GET', '/agents')).status).toBe(502);
    expect((await request(`${sim.url}/sim/faults/error`, { body: { status: 200 } })).status).toBe(422);
    expect((await request(`${sim.url}/sim/faults/webhooks`, { body: { hold: 1, drop: 2 } })).json).toMatchObject({ hold: 1, drop: 2, duplicate: 0 });
    expect((await request(`${sim.url}/sim/faults/reset`, { body: {} })).json).toEqual({ ok: true });
    expect((await request(`${sim.url}/sim/faults`)).json).toMatchObject({ api: [], webhooks: { hold: 0, drop: 0 } });
  });
});
