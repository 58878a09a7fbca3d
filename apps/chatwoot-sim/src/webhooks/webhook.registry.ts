import { randomBytes } from 'node:crypto';
import { notFound, recordInvalid, unprocessable } from '../common/api-error';
import { isPlainObject } from '../common/http-io.util';
import { toId } from '../common/params.util';
import type { SimStore } from '../state/sim.store';
import { type RegisteredWebhook, WEBHOOK_EVENTS } from './webhook.types';

export interface WebhookInput {
  url?: unknown;
  subscriptions?: unknown;
  name?: unknown;
  inbox_id?: unknown;
}

const WEBHOOK_KEYS = ['url', 'subscriptions', 'name', 'inbox_id'];
// URI::DEFAULT_PARSER.make_regexp(%w[http https]) in spirit: a scheme, a host, no spaces.
const URL_PATTERN = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

/**
 * Account webhooks, validated as the Webhook model does: an http(s) URL unique in the account, and a
 * non-empty list of known events.
 */
export class WebhookRegistry {
  private readonly webhooks = new Map<number, RegisteredWebhook>();
  private nextId = 1;

  constructor(
    private readonly store: SimStore,
    private readonly settings: { signWebhooks: boolean; webhookSecret: string | undefined },
  ) {}

  /**
   * `params.require(:webhook)`: Rails wraps a JSON body's model attributes under `webhook`, so both
   * `{url, subscriptions}` and `{webhook: {url, subscriptions}}` are accepted.
   */
  static inputOf(body: Record<string, unknown>): WebhookInput {
    if (isPlainObject(body.webhook)) return body.webhook;
    if (WEBHOOK_KEYS.some((k) => k in body)) return body;
    throw unprocessable('param is missing or the value is empty: webhook');
  }

  create(accountId: number, input: WebhookInput, secret?: string): RegisteredWebhook {
    const draft: RegisteredWebhook = {
      id: 0,
      accountId,
      name: typeof input.name === 'string' ? input.name : null,
      url: typeof input.url === 'string' ? input.url : '',
      // Checked by validate(), which takes it as unknown.
      subscriptions: input.subscriptions as string[],
      inboxId: this.inboxIdOf(accountId, input.inbox_id),
      secret: this.settings.signWebhooks ? (secret ?? this.settings.webhookSecret ?? randomBytes(24).toString('base64url')) : null,
    };
    this.validate(draft);
    draft.subscriptions = [...draft.subscriptions];
    draft.id = this.nextId++;
    this.webhooks.set(draft.id, draft);
    return draft;
  }

  update(accountId: number, id: number | undefined, input: WebhookInput): RegisteredWebhook {
    const current = this.find(accountId, id);
    const next: RegisteredWebhook = {
      ...current,
      ...('url' in input ? { url: typeof input.url === 'string' ? input.url : '' } : {}),
      ...('subscriptions' in input ? { subscriptions: input.subscriptions as string[] } : {}),
      ...('name' in input ? { name: typeof input.name === 'string' ? input.name : null } : {}),
      ...('inbox_id' in input ? { inboxId: this.inboxIdOf(accountId, input.inbox_id) } : {}),
    };
    this.validate(next);
    next.subscriptions = [...next.subscriptions];
    this.webhooks.set(current.id, next);
    return next;
  }

  remove(accountId: number, id: number | undefined): void {
    this.webhooks.delete(this.find(accountId, id).id);
  }

  find(accountId: number, id: number | undefined): RegisteredWebhook {
    const webhook = id === undefined ? undefined : this.webhooks.get(id);
    if (!webhook || webhook.accountId !== accountId) throw notFound();
    return webhook;
  }

  list(accountId?: number): RegisteredWebhook[] {
    return [...this.webhooks.values()].filter((w) => accountId === undefined || w.accountId === accountId);
  }

  /** Account webhooks fire for every inbox of the account, as Chatwoot's `account_type` webhooks do. */
  subscribedTo(accountId: number, event: string): RegisteredWebhook[] {
    return this.list(accountId).filter((w) => w.subscriptions.includes(event));
  }

  private inboxIdOf(accountId: number, value: unknown): number | null {
    if (value === undefined || value === null || value === '') return null;
    const id = toId(value);
    const inbox = id === undefined ? undefined : this.store.inboxes.get(id);
    if (!inbox || inbox.accountId !== accountId) throw recordInvalid([['inbox', 'Inbox must exist']]);
    return inbox.id;
  }

  private validate(w: RegisteredWebhook): void {
    const errors: Array<[string, string]> = [];
    if (!URL_PATTERN.test(w.url)) errors.push(['url', 'Url is invalid']);
    else if (this.list(w.accountId).some((other) => other.id !== w.id && other.url === w.url)) errors.push(['url', 'Url has already been taken']);
    const subs: unknown = w.subscriptions;
    const valid = Array.isArray(subs) && subs.length > 0 && subs.every((s) => typeof s === 'string' && (WEBHOOK_EVENTS as readonly string[]).includes(s));
    if (!valid) errors.push(['subscriptions', 'Subscriptions Invalid events']);
    if (errors.length) throw recordInvalid(errors);
  }
}

/** The webhook partial; `secret` is shown from 4.11.2 on. */
export function webhookApi(store: SimStore, w: RegisteredWebhook): Record<string, unknown> {
  const view: Record<string, unknown> = { id: w.id, name: w.name, url: w.url, account_id: w.accountId, subscriptions: w.subscriptions };
  const inbox = w.inboxId === null ? undefined : store.inboxes.get(w.inboxId);
  if (inbox) view.inbox = { id: inbox.id, name: inbox.name, channel_type: inbox.channelType };
  if (w.secret !== null) view.secret = w.secret;
  return view;
}
