import { HttpTransport } from '@agent-bridge/http';

/** The webhook events the Chatwoot desk acts on. */
export const CHATWOOT_WEBHOOK_EVENTS = ['message_created', 'conversation_updated', 'conversation_status_changed'] as const;

export interface ChatwootSetupSettings {
  /** Chatwoot's base URL. */
  url: string;
  accountId: number;
  inboxId: number;
  /** An administrator's access token: account webhooks are an admin's to manage. */
  token: string;
  /** The bridge's webhook route without its secret: `{PUBLIC_URL}/webhooks/chatwoot`. */
  routeUrl: string;
  webhookSecret: string;
}

export interface ChatwootSetupResult {
  outcome: 'created' | 'updated' | 'kept';
  webhookId: string;
  /** The webhook's signing secret (Chatwoot 4.11.2 and newer), for CHATWOOT_WEBHOOK_SIGNING_SECRET. */
  signingSecret: string | null;
  /** Our webhooks with an older path secret, deleted. */
  replaced: string[];
}

interface Webhook {
  id?: unknown;
  url?: unknown;
  subscriptions?: unknown;
  secret?: unknown;
}

/**
 * Registers the account webhook pointing at this bridge, idempotently: one with our URL and every
 * event is kept, one missing events gets them, ours with an older path secret are replaced. Checks
 * first that the inbox is an API channel inbox, which the desk needs.
 */
export async function setupChatwootWebhook(settings: ChatwootSetupSettings, http = new HttpTransport()): Promise<ChatwootSetupResult> {
  const base = `${settings.url.replace(/\/+$/, '')}/api/v1/accounts/${settings.accountId}`;
  const call = async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: object): Promise<T> => {
    const res = await http.request({
      method,
      url: `${base}${path}`,
      headers: { api_access_token: settings.token, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      timeoutMs: 15_000,
    });
    const parsed = res.body ? (JSON.parse(res.body) as unknown) : {};
    if (res.status < 200 || res.status >= 300) {
      const error = parsed as { error?: unknown; message?: unknown };
      throw new Error(`${method} ${path} failed: HTTP ${res.status} ${String(error.error ?? error.message ?? '')}`.trim());
    }
    return parsed as T;
  };
  try {
    const inboxes = await call<{ payload?: Array<{ id?: unknown; channel_type?: unknown }> }>('GET', '/inboxes');
    const inbox = (inboxes.payload ?? []).find((i) => String(i.id) === String(settings.inboxId));
    if (!inbox) throw new Error(`the account has no inbox ${settings.inboxId} (CHATWOOT_INBOX_ID)`);
    if (inbox.channel_type !== 'Channel::Api') {
      throw new Error(`inbox ${settings.inboxId} is a ${String(inbox.channel_type)} inbox: the desk needs an API channel inbox (Settings > Inboxes > Add Inbox > API)`);
    }
    const url = `${settings.routeUrl}/${settings.webhookSecret}`;
    const listed = await call<{ payload?: { webhooks?: Webhook[] } | Webhook[] }>('GET', '/webhooks');
    const webhooks = (Array.isArray(listed.payload) ? listed.payload : (listed.payload?.webhooks ?? [])) as Webhook[];
    const ours = webhooks.filter((w) => typeof w.url === 'string' && w.url.startsWith(`${settings.routeUrl}/`));
    const replaced: string[] = [];
    for (const old of ours.filter((w) => w.url !== url)) {
      await call('DELETE', `/webhooks/${String(old.id)}`);
      replaced.push(String(old.id));
    }
    const current = ours.find((w) => w.url === url);
    const subscriptions = [...CHATWOOT_WEBHOOK_EVENTS];
    if (current) {
      const has = Array.isArray(current.subscriptions) ? (current.subscriptions as unknown[]) : [];
      if (subscriptions.every((event) => has.includes(event))) {
        return { outcome: 'kept', webhookId: String(current.id), signingSecret: secretOf(current), replaced };
      }
      const updated = await call<{ payload?: { webhook?: Webhook } }>('PUT', `/webhooks/${String(current.id)}`, { subscriptions: [...new Set([...has, ...subscriptions])] });
      return { outcome: 'updated', webhookId: String(current.id), signingSecret: secretOf(updated.payload?.webhook ?? current), replaced };
    }
    const created = await call<{ payload?: { webhook?: Webhook } }>('POST', '/webhooks', { url, subscriptions, name: 'agent-bridge' });
    const webhook = created.payload?.webhook ?? {};
    return { outcome: 'created', webhookId: String(webhook.id), signingSecret: secretOf(webhook), replaced };
  } finally {
    http.close();
  }
}

function secretOf(webhook: Webhook): string | null {
  return typeof webhook.secret === 'string' && webhook.secret ? webhook.secret : null;
}
