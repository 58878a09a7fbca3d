import { LiveChatV2Error, toProviderError } from './livechat-v2-api.client';
import { ProviderErrorCode } from '@agent-bridge/desk-port';

describe('livechat-v2 error mapping', () => {
  const code = (call: ConstructorParameters<typeof LiveChatV2Error>[0], status: number) => toProviderError(new LiveChatV2Error(call, status, 'x')).code;

  it('maps timeouts, refused connections, 429 and 5xx to Unavailable', () => {
    for (const status of [0, 429, 500, 503]) expect(code('send_message', status)).toBe(ProviderErrorCode.Unavailable);
  });

  it('maps 400/404 on an existing chat to ChatClosed, but not on start', () => {
    expect(code('send_message', 400)).toBe(ProviderErrorCode.ChatClosed);
    expect(code('close', 404)).toBe(ProviderErrorCode.ChatClosed);
    expect(code('start', 400)).toBe(ProviderErrorCode.Rejected);
  });

  it('maps bad credentials to Rejected', () => {
    expect(code('send_message', 401)).toBe(ProviderErrorCode.Rejected);
    expect(code('start', 401)).toBe(ProviderErrorCode.Rejected);
  });

  it('keeps the URL (and its secured_session_id) out of the message', () => {
    expect(new LiveChatV2Error('get_pending_messages', 0, 'timed out').message).toBe('livechat-v2 get_pending_messages: timed out');
  });
});
