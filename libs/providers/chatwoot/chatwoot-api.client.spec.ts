import type { AppConfig } from '@agent-bridge/config';
import { ProviderErrorCode } from '@agent-bridge/desk-port';
import type { HttpRequest, HttpResponse, HttpTransport } from '@agent-bridge/http';
import { ChatwootApiClient, toProviderError } from './chatwoot-api.client';

const config = { chatwoot: { url: 'https://cw.example', accountId: 3, inboxId: 7, apiToken: 'token-value' } } as AppConfig;

/** A transport answering from a script, recording what was asked. */
function scripted(...answers: Array<Partial<HttpResponse> | Error>) {
  const requests: HttpRequest[] = [];
  const http = {
    request: async (req: HttpRequest): Promise<HttpResponse> => {
      requests.push(req);
      const next = answers.shift() ?? { status: 200, body: '{}' };
      if (next instanceof Error) throw next;
      return { status: 200, headers: {}, body: '', ...next };
    },
  } as unknown as HttpTransport;
  return { client: new ChatwootApiClient(http, config), requests };
}

describe('ChatwootApiClient', () => {
  it('calls the account\'s Application API with the token header', async () => {
    const { client, requests } = scripted({ status: 200, body: '{"id":5}' });
    expect(await client.account('POST', '/conversations/9/messages', { content: 'x' })).toEqual({ id: 5 });
    expect(requests[0]).toMatchObject({ method: 'POST', url: 'https://cw.example/api/v1/accounts/3/conversations/9/messages', headers: { api_access_token: 'token-value', 'content-type': 'application/json' } });
  });

  it('retries a 429 after what Retry-After asks, and a 5xx', async () => {
    const { client, requests } = scripted({ status: 429, headers: { 'retry-after': '0' }, body: 'Retry later\n' }, { status: 503, headers: { 'retry-after': '0' } }, { status: 200, body: '{"ok":true}' });
    expect(await client.account('GET', '/conversations/9')).toEqual({ ok: true });
    expect(requests).toHaveLength(3);
  });

  it('does not retry what Chatwoot refused, and gives up on a long outage after four attempts', async () => {
    const refused = scripted({ status: 422, body: '{"message":"Identifier has already been taken"}' });
    await expect(refused.client.account('POST', '/contacts', {})).rejects.toMatchObject({ status: 422, message: 'HTTP 422: Identifier has already been taken' });
    expect(refused.requests).toHaveLength(1);
    const down = scripted(...Array.from({ length: 4 }, () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
    await expect(down.client.account('GET', '/conversations/9')).rejects.toThrow('ECONNREFUSED');
    expect(down.requests).toHaveLength(4);
  });
});

describe('toProviderError', () => {
  it('maps Chatwoot\'s answers to what the engine does with them', async () => {
    const failing = (status: number) => scripted({ status, headers: { 'retry-after': '0' } }, { status, headers: { 'retry-after': '0' } }, { status, headers: { 'retry-after': '0' } }, { status, headers: { 'retry-after': '0' } });
    const codeFor = async (status: number) => toProviderError(await failing(status).client.account('GET', '/x').catch((e: unknown) => e)).code;
    expect(await codeFor(429)).toBe(ProviderErrorCode.Unavailable);
    expect(await codeFor(502)).toBe(ProviderErrorCode.Unavailable);
    expect(await codeFor(404)).toBe(ProviderErrorCode.ChatClosed);
    expect(await codeFor(401)).toBe(ProviderErrorCode.Rejected);
    expect(await codeFor(422)).toBe(ProviderErrorCode.Rejected);
    expect(toProviderError(new Error('socket hang up')).code).toBe(ProviderErrorCode.Unavailable);
  });
});
