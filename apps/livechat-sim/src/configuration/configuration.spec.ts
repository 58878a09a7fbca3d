import { LiveChatSim } from '../livechat-sim.facade';
import { agentToken, customerToken } from '../testing/customer-flow.helper';
import { basic, request } from '../testing/spec-http.client';

describe('Configuration API (webhooks)', () => {
  let sim: LiveChatSim;
  let patAuth: string;

  beforeEach(async () => {
    sim = new LiveChatSim();
    await sim.start();
    patAuth = basic(sim.config.pat.accountId, sim.config.pat.token);
  });
  afterEach(() => sim.stop());

  const call = (action: string, body: unknown, authorization?: string) =>
    request(`${sim.url}/v3.6/configuration/action/${action}`, { body, headers: authorization ? { authorization } : {} });
  const webhook = (action = 'incoming_event') => ({
    url: 'http://127.0.0.1:9/webhooks',
    action,
    secret_key: 's3cret',
    owner_client_id: sim.config.clientId,
    type: 'license',
  });

  it('accepts a PAT as HTTP Basic account_id:PAT', async () => {
    const res = await call('register_webhook', webhook(), patAuth);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('rejects a PAT sent as Bearer, a wrong PAT and no credentials with authentication', async () => {
    for (const authorization of [`Bearer ${sim.config.pat.token}`, basic(sim.config.pat.accountId, 'dal:wrong'), undefined]) {
      const res = await call('register_webhook', webhook(), authorization);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { type: 'authentication', message: 'Invalid access token' } });
    }
  });

  it('rejects a customer token and accepts an OAuth agent token, whose client owns the webhook', async () => {
    const customer = (await customerToken(sim)).token;
    expect((await call('list_webhooks', {}, `Bearer ${customer}`)).json.error.type).toBe('authentication');
    const bearer = `Bearer ${await agentToken(sim)}`;
    const { owner_client_id: _owner, ...withoutOwner } = webhook();
    expect((await call('register_webhook', withoutOwner, bearer)).status).toBe(200);
    const listed = await call('list_webhooks', {}, bearer);
    expect(listed.json).toEqual([
      { id: expect.any(String), url: 'http://127.0.0.1:9/webhooks', action: 'incoming_event', secret_key: 's3cret', owner_client_id: sim.config.clientId, type: 'license' },
    ]);
    const foreign = await call('list_webhooks', { owner_client_id: 'someone-else' }, bearer);
    expect(foreign.json.error.type).toBe('authorization');
  });

  it('with a PAT, owner_client_id is required', async () => {
    const res = await call('list_webhooks', {}, patAuth);
    expect(res.json.error).toEqual({ type: 'validation', message: '`owner_client_id` is required' });
  });

  it('validates registrations', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...webhook(), url: undefined }, '`url` is required'],
      [{ ...webhook(), url: 'ftp://x' }, '`url` must be an http(s) URL'],
      [{ ...webhook(), url: `http://x/${'a'.repeat(500)}` }, '`url` must be at most 500 characters'],
      [{ ...webhook(), action: 'chat_exploded' }, '`action` is not a known webhook'],
      [{ ...webhook(), type: 'global' }, '`type` must be one of license, bot'],
      [{ ...webhook('chat_deactivated'), filters: { author_type: 'agent' } }, '`filters.author_type` is only available for incoming_event and event_updated'],
      [{ ...webhook(), additional_data: ['everything'] }, '`additional_data` must contain only chat_properties, chat_presence_user_ids'],
    ];
    for (const [body, message] of cases) {
      expect((await call('register_webhook', body, patAuth)).json.error).toEqual({ type: 'validation', message });
    }
  });

  it('allows at most 3 webhooks per action per client', async () => {
    for (let i = 0; i < 3; i++) expect((await call('register_webhook', webhook(), patAuth)).status).toBe(200);
    const fourth = await call('register_webhook', webhook(), patAuth);
    expect(fourth.json.error.type).toBe('limit_reached');
    expect((await call('register_webhook', webhook('chat_deactivated'), patAuth)).status).toBe(200);
  });

  it('unregisters, and answers not_found for an unknown id', async () => {
    const { id } = (await call('register_webhook', webhook(), patAuth)).json;
    const owner = { owner_client_id: sim.config.clientId };
    expect((await call('unregister_webhook', { id, ...owner }, patAuth)).json).toEqual({});
    expect((await call('list_webhooks', owner, patAuth)).json).toEqual([]);
    expect((await call('unregister_webhook', { id, ...owner }, patAuth)).json.error.type).toBe('not_found');
  });

  it('reports and toggles the licence webhooks state', async () => {
    const owner = { owner_client_id: sim.config.clientId };
    expect((await call('get_license_webhooks_state', owner, patAuth)).json).toEqual({ license_webhooks_enabled: true });
    expect((await call('disable_license_webhooks', owner, patAuth)).json).toEqual({});
    expect((await call('get_license_webhooks_state', owner, patAuth)).json).toEqual({ license_webhooks_enabled: false });
    await call('enable_license_webhooks', owner, patAuth);
    expect((await call('get_license_webhooks_state', owner, patAuth)).json).toEqual({ license_webhooks_enabled: true });
  });

  it('checks scopes', async () => {
    const narrow = new LiveChatSim({ pat: { accountId: 'acc', token: 'dal:pat', scopes: ['chats--all:rw'] } });
    await narrow.start();
    try {
      const res = await request(`${narrow.url}/v3.6/configuration/action/register_webhook`, {
        body: { ...webhook(), owner_client_id: narrow.config.clientId },
        headers: { authorization: basic('acc', 'dal:pat') },
      });
      expect([res.status, res.json.error.type]).toEqual([403, 'authorization']);
    } finally {
      await narrow.stop();
    }
  });

  it('list_webhook_names needs no auth', async () => {
    const res = await call('list_webhook_names', {});
    expect(res.status).toBe(200);
    expect(res.json).toContainEqual({ action: 'incoming_event', filters: ['author_type', 'chat_presence', 'only_my_chats', 'source_type'], additional_data: ['chat_properties', 'chat_presence_user_ids'] });
  });
});
