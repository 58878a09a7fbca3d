import { LiveChatSim } from '../livechat-sim.facade';
import { basic, request } from '../testing/spec-http.client';
import { agentToken, customerAction, customerToken } from '../testing/customer-flow.helper';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('Accounts API', () => {
  let sim: LiveChatSim;

  beforeEach(async () => {
    sim = new LiveChatSim({ tokenTtlSeconds: 28_800 });
    await sim.start();
  });
  afterEach(() => sim.stop());

  const tokenCall = (params: Record<string, string>) =>
    request(`${sim.url}/v2/token`, { body: new URLSearchParams(params).toString(), headers: form });

  it('refresh_token grant returns a region-prefixed agent token with the documented fields', async () => {
    const c = sim.config;
    const res = await tokenCall({ grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: c.clientId, client_secret: c.clientSecret });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      access_token: expect.stringMatching(/^dal:[\w-]+$/),
      account_id: c.accountId,
      expires_in: 28_800,
      organization_id: c.organizationId,
      refresh_token: c.refreshToken,
      scope: expect.stringContaining('customers:own'),
      token_type: 'Bearer',
    });
  });

  it('accepts the parameters in the query string too', async () => {
    const c = sim.config;
    const query = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: c.clientId, client_secret: c.clientSecret });
    const res = await request(`${sim.url}/v2/token?${query}`, { method: 'POST' });
    expect(res.status).toBe(200);
  });

  it('answers grant errors in the Accounts format', async () => {
    const c = sim.config;
    const badSecret = await tokenCall({ grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: c.clientId, client_secret: 'nope' });
    expect(badSecret.status).toBe(401);
    expect(badSecret.json).toEqual({ oauth_exception: 'invalid_client', exception_description: expect.any(String) });

    const badRefresh = await tokenCall({ grant_type: 'refresh_token', refresh_token: 'nope', client_id: c.clientId, client_secret: c.clientSecret });
    expect([badRefresh.status, badRefresh.json.oauth_exception]).toEqual([400, 'invalid_grant']);

    const badGrant = await tokenCall({ grant_type: 'password', client_id: c.clientId, client_secret: c.clientSecret });
    expect([badGrant.status, badGrant.json.oauth_exception]).toEqual([400, 'unsupported_grant_type']);

    const missing = await tokenCall({ grant_type: 'refresh_token', client_id: c.clientId, client_secret: c.clientSecret });
    expect([missing.status, missing.json.oauth_exception]).toEqual([400, 'invalid_request']);
  });

  it('authorization_code grant: a code works once and yields a working refresh token', async () => {
    const c = sim.config;
    const code = sim.issueAuthorizationCode();
    const params = { grant_type: 'authorization_code', code, client_id: c.clientId, client_secret: c.clientSecret, redirect_uri: 'https://bridge.example/cb' };
    const first = await tokenCall(params);
    expect(first.status).toBe(200);
    expect(first.json.refresh_token).not.toBe(c.refreshToken);
    const again = await tokenCall(params);
    expect([again.status, again.json.oauth_exception]).toEqual([400, 'invalid_grant']);
    const refreshed = await tokenCall({ grant_type: 'refresh_token', refresh_token: first.json.refresh_token, client_id: c.clientId, client_secret: c.clientSecret });
    expect(refreshed.status).toBe(200);
  });

  it('agent_token grant creates a customer without entity_id and re-mints for an existing one', async () => {
    const first = await customerToken(sim);
    expect(first.entityId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await customerToken(sim, first.entityId);
    expect(again.entityId).toBe(first.entityId);
    expect(again.token).not.toBe(first.token);

    const info = await request(`${sim.url}/v2/customer/info`, { headers: { authorization: `Bearer ${again.token}` } });
    expect(info.status).toBe(200);
    expect(info.json).toEqual({
      access_token: again.token,
      client_id: sim.config.clientId,
      entity_id: first.entityId,
      expires_in: expect.any(Number),
      organization_id: sim.config.organizationId,
      token_type: 'Bearer',
    });
    expect(info.json.expires_in).toBeGreaterThan(28_700);
  });

  it('customer token response has the documented shape', async () => {
    const bearer = await agentToken(sim);
    const res = await request(`${sim.url}/v2/customer/token`, {
      body: { grant_type: 'agent_token', client_id: sim.config.clientId, response_type: 'token' },
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(res.json).toEqual({
      access_token: expect.stringMatching(/^dal:/),
      client_id: sim.config.clientId,
      entity_id: expect.any(String),
      expires_in: 28_800,
      token_type: 'Bearer',
      organization_id: sim.config.organizationId,
    });
  });

  it('refuses a PAT, a token without customers:own, and an unknown entity_id', async () => {
    const body = { grant_type: 'agent_token', client_id: sim.config.clientId, response_type: 'token' };
    const pat = sim.config.pat;
    const withPat = await request(`${sim.url}/v2/customer/token`, { body, headers: { authorization: basic(pat.accountId, pat.token) } });
    expect(withPat.status).toBe(401);
    expect(withPat.json.oauth_exception).toBe('invalid_request');

    const bearer = await agentToken(sim);
    const unknown = await request(`${sim.url}/v2/customer/token`, { body: { ...body, entity_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c' }, headers: { authorization: `Bearer ${bearer}` } });
    expect([unknown.status, unknown.json.oauth_exception]).toEqual([400, 'invalid_request']);

    const noCookie = await request(`${sim.url}/v2/customer/token`, { body: { ...body, grant_type: 'cookie' }, headers: { authorization: `Bearer ${bearer}` } });
    expect(noCookie.json.oauth_exception).toBe('unsupported_grant_type');
  });

  it('refuses an agent token lacking customers:own', async () => {
    const narrow = new LiveChatSim({ agentScopes: ['chats--all:rw'] });
    await narrow.start();
    try {
      const bearer = await agentToken(narrow);
      const res = await request(`${narrow.url}/v2/customer/token`, {
        body: { grant_type: 'agent_token', client_id: narrow.config.clientId, response_type: 'token' },
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect([res.status, res.json.oauth_exception]).toEqual([401, 'access_denied']);
    } finally {
      await narrow.stop();
    }
  });

  it('DELETE /v2/customer/token revokes the token', async () => {
    const { token } = await customerToken(sim);
    const del = await request(`${sim.url}/v2/customer/token`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(del.status).toBe(200);
    const info = await request(`${sim.url}/v2/customer/info`, { headers: { authorization: `Bearer ${token}` } });
    expect(info.status).toBe(401);
    const chat = await customerAction(sim, token, 'list_chats');
    expect(chat.json.error.type).toBe('authentication');
  });

  it('expireTokens() makes every issued token fail with authentication; fresh ones work', async () => {
    const { token, entityId } = await customerToken(sim);
    expect((await customerAction(sim, token, 'list_chats')).status).toBe(200);
    expect(sim.expireTokens('customer')).toBeGreaterThan(0);
    const expired = await customerAction(sim, token, 'list_chats');
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ error: { type: 'authentication', message: 'Invalid access token' } });
    const info = await request(`${sim.url}/v2/customer/info?code=${encodeURIComponent(token)}`);
    expect(info.status).toBe(401);
    const fresh = await customerToken(sim, entityId);
    expect((await customerAction(sim, fresh.token, 'list_chats')).status).toBe(200);
  });

  it('an expired agent token can no longer mint customer tokens', async () => {
    const bearer = await agentToken(sim);
    sim.expireTokens('agent');
    const res = await request(`${sim.url}/v2/customer/token`, {
      body: { grant_type: 'agent_token', client_id: sim.config.clientId, response_type: 'token' },
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(res.status).toBe(401);
    expect(res.json.exception_description).toMatch(/expired/);
  });

  it('tokens really expire after tokenTtlSeconds', async () => {
    const short = new LiveChatSim({ tokenTtlSeconds: 1 });
    await short.start();
    try {
      const { token } = await customerToken(short);
      expect((await customerAction(short, token, 'get_customer')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await customerAction(short, token, 'get_customer')).json.error.type).toBe('authentication');
    } finally {
      await short.stop();
    }
  });

  it('silently revokes the oldest agent token past the per-client limit', async () => {
    const limited = new LiveChatSim({ maxTokensPerClient: 2 });
    await limited.start();
    try {
      const oldest = await agentToken(limited);
      await agentToken(limited);
      await agentToken(limited);
      const res = await request(`${limited.url}/v2/customer/token`, {
        body: { grant_type: 'agent_token', client_id: limited.config.clientId, response_type: 'token' },
        headers: { authorization: `Bearer ${oldest}` },
      });
      expect(res.status).toBe(401);
    } finally {
      await limited.stop();
    }
  });

  it('prefixes tokens with the licence region', async () => {
    const eu = new LiveChatSim({ region: 'fra' });
    await eu.start();
    try {
      expect(await agentToken(eu)).toMatch(/^fra:/);
    } finally {
      await eu.stop();
    }
  });
});
