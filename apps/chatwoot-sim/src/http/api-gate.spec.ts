import { ChatwootSim } from '../chatwoot-sim.facade';
import { api, request } from '../testing/spec-http.client';

describe('Chatwoot sandbox: auth, accounts and routing', () => {
  let sim: ChatwootSim;

  beforeAll(async () => {
    sim = new ChatwootSim();
    await sim.start();
  });
  afterAll(() => sim.stop());

  it('answers 401 in Devise\'s shape without a token and in Chatwoot\'s with an unknown one', async () => {
    const none = await api(sim, 'GET', '/agents', undefined, { token: null });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ errors: ['You need to sign in or sign up before continuing.'] });
    const wrong = await api(sim, 'GET', '/agents', undefined, { token: 'not-a-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'Invalid Access Token' });
  });

  it('takes the token in the dashed header too, as proxies that drop underscores need', async () => {
    const res = await request(`${sim.url}/api/v1/accounts/1/agents`, { headers: { 'api-access-token': sim.config.apiToken } });
    expect(res.status).toBe(200);
  });

  it('tells an unknown account (404) from one the user is not in (401)', async () => {
    expect((await api(sim, 'GET', '/agents', undefined, { accountId: 999 })).json).toEqual({ error: 'Resource could not be found' });
    const other = await api(sim, 'GET', '/agents', undefined, { accountId: sim.config.accountId + 1 });
    expect(other.status).toBe(401);
    expect(other.json).toEqual({ error: 'You are not authorized to access this account' });
  });

  it('routes before it authenticates, and refuses a body that is not a JSON object', async () => {
    expect((await api(sim, 'GET', '/no-such-thing', undefined, { token: null })).status).toBe(404);
    expect((await api(sim, 'POST', '/contacts', '{not json')).status).toBe(400);
    expect((await api(sim, 'POST', '/contacts', '[1,2]')).status).toBe(400);
  });

  it('lists agents, teams and the API inbox', async () => {
    const agents = await api(sim, 'GET', '/agents');
    expect(agents.json.map((a: { id: number; role: string }) => [a.id, a.role])).toEqual([[1, 'administrator'], [2, 'agent'], [3, 'agent']]);
    expect(agents.json[1]).toMatchObject({ account_id: 1, availability_status: 'online', email: 'anna@example.com', available_name: 'Anna Agent' });
    const teams = await api(sim, 'GET', '/teams');
    expect(teams.json[0]).toEqual({ id: 1, name: 'support', description: '', allow_auto_assign: true, account_id: 1, is_member: false });
    const inboxes = await api(sim, 'GET', '/inboxes');
    expect(inboxes.json.payload[0]).toMatchObject({ id: 1, channel_type: 'Channel::Api', enable_auto_assignment: false });
  });
});
