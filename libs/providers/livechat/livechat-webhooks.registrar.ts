import { HttpTransport } from '@agent-bridge/http';

export const LIVECHAT_WEBHOOK_ACTIONS = ['incoming_event', 'chat_deactivated', 'user_added_to_chat', 'user_removed_from_chat', 'chat_transferred'] as const;

/** Without `my_client`: the user's messages we post as the customer would come back as webhooks to drop. */
const FILTERS: Partial<Record<string, object>> = {
  incoming_event: { only_my_chats: true, source_type: ['other_clients', 'system'] },
};

export interface RegistrarSettings {
  apiUrl: string;
  /** A Personal Access Token with webhooks.configuration:rw (and webhooks.state:rw to enable them). */
  pat: { accountId: string; token: string };
  clientId: string;
  url: string;
  secret: string;
}

interface Webhook {
  id: string;
  url: string;
  action: string;
}

/** Idempotent: an action already registered to this URL is left alone. */
export async function registerLiveChatWebhooks(settings: RegistrarSettings, http = new HttpTransport()): Promise<{ registered: string[]; kept: string[] }> {
  const auth = `Basic ${Buffer.from(`${settings.pat.accountId}:${settings.pat.token}`).toString('base64')}`;
  const call = async <T>(action: string, body: object): Promise<T> => {
    const res = await http.request({
      method: 'POST',
      url: `${settings.apiUrl}/v3.6/configuration/action/${action}`,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: 15_000,
    });
    const parsed = res.body ? JSON.parse(res.body) : {};
    if (res.status < 200 || res.status >= 300) {
      const error = (parsed as { error?: { type?: string; message?: string } }).error;
      throw new Error(`${action} failed: ${error?.type ?? res.status} ${error?.message ?? ''}`.trim());
    }
    return parsed as T;
  };
  const existing = await call<Webhook[]>('list_webhooks', { owner_client_id: settings.clientId });
  const registered: string[] = [];
  const kept: string[] = [];
  for (const action of LIVECHAT_WEBHOOK_ACTIONS) {
    if (existing.some((w) => w.action === action && w.url === settings.url)) {
      kept.push(action);
      continue;
    }
    await call('register_webhook', {
      url: settings.url,
      action,
      secret_key: settings.secret,
      owner_client_id: settings.clientId,
      type: 'license',
      description: 'agent-bridge',
      filters: FILTERS[action] ?? { only_my_chats: true },
    });
    registered.push(action);
  }
  await call('enable_license_webhooks', { owner_client_id: settings.clientId });
  http.close();
  return { registered, kept };
}
