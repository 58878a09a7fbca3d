import { validation } from '../common/api-error';
import { isPlainObject } from '../common/http-io.util';
import type { RegisteredWebhook, WebhookFilters } from '../webhooks/webhook.types';
import { ADDITIONAL_DATA, AUTHOR_TYPE_ACTIONS, CHAT_WEBHOOK_ACTIONS, OTHER_WEBHOOK_ACTIONS, SOURCE_TYPES } from '../webhooks/webhook.types';

const CHAT_ACTIONS: readonly string[] = CHAT_WEBHOOK_ACTIONS;
const ALL_ACTIONS: readonly string[] = [...CHAT_WEBHOOK_ACTIONS, ...OTHER_WEBHOOK_ACTIONS];

/** `owner_client_id` is resolved by the caller's auth. */
export function webhookRegistration(body: Record<string, unknown>, ownerClientId: string): Omit<RegisteredWebhook, 'id'> {
  const url = requiredString(body, 'url');
  if (url.length > 500) throw validation('`url` must be at most 500 characters');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw validation('`url` must be a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw validation('`url` must be an http(s) URL');
  const action = requiredString(body, 'action');
  if (!ALL_ACTIONS.includes(action)) throw validation('`action` is not a known webhook');
  const type = requiredString(body, 'type');
  if (type !== 'license' && type !== 'bot') throw validation('`type` must be one of license, bot');
  const webhook: Omit<RegisteredWebhook, 'id'> = { url, action, secret_key: requiredString(body, 'secret_key'), owner_client_id: ownerClientId, type };
  if (body.description !== undefined) {
    if (typeof body.description !== 'string') throw validation('`description` must be a string');
    webhook.description = body.description;
  }
  if (body.additional_data !== undefined) webhook.additional_data = additionalData(body.additional_data, action);
  if (body.filters !== undefined) webhook.filters = filters(body.filters, action);
  return webhook;
}

export function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0) throw validation(`\`${key}\` is required`);
  return value;
}

function additionalData(value: unknown, action: string): string[] {
  const allowed: readonly string[] = ADDITIONAL_DATA;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && allowed.includes(v))) {
    throw validation(`\`additional_data\` must contain only ${ADDITIONAL_DATA.join(', ')}`);
  }
  if (value.length > 0 && !CHAT_ACTIONS.includes(action)) throw validation(`\`additional_data\` is not available for ${action}`);
  return value as string[];
}

function filters(value: unknown, action: string): WebhookFilters {
  if (!isPlainObject(value)) throw validation('`filters` must be an object');
  if (!CHAT_ACTIONS.includes(action) && Object.keys(value).length > 0) throw validation(`\`filters\` are not available for ${action}`);
  const out: WebhookFilters = {};
  if (value.author_type !== undefined) {
    if (!AUTHOR_TYPE_ACTIONS.includes(action)) throw validation('`filters.author_type` is only available for incoming_event and event_updated');
    if (value.author_type !== 'customer' && value.author_type !== 'agent') throw validation('`filters.author_type` must be one of customer, agent');
    out.author_type = value.author_type;
  }
  if (value.only_my_chats !== undefined) {
    if (typeof value.only_my_chats !== 'boolean') throw validation('`filters.only_my_chats` must be a boolean');
    out.only_my_chats = value.only_my_chats;
  }
  if (value.source_type !== undefined) {
    const allowed: readonly string[] = SOURCE_TYPES;
    if (!Array.isArray(value.source_type) || value.source_type.length === 0 || !value.source_type.every((s) => allowed.includes(s as string))) {
      throw validation(`\`filters.source_type\` must contain only ${SOURCE_TYPES.join(', ')}`);
    }
    out.source_type = value.source_type as string[];
  }
  if (value.chat_presence !== undefined) out.chat_presence = chatPresence(value.chat_presence);
  return out;
}

function chatPresence(value: unknown): NonNullable<WebhookFilters['chat_presence']> {
  if (!isPlainObject(value)) throw validation('`filters.chat_presence` must be an object');
  const out: NonNullable<WebhookFilters['chat_presence']> = {};
  if (value.my_bots !== undefined) {
    if (typeof value.my_bots !== 'boolean') throw validation('`filters.chat_presence.my_bots` must be a boolean');
    out.my_bots = value.my_bots;
  }
  if (value.user_ids !== undefined) {
    const ids = value.user_ids;
    if (!isPlainObject(ids)) throw validation('`filters.chat_presence.user_ids` must be an object');
    const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (ids.values !== undefined && ids.exclude_values !== undefined) {
      throw validation('`filters.chat_presence.user_ids` takes either `values` or `exclude_values`');
    }
    if (ids.values !== undefined && !isList(ids.values)) throw validation('`filters.chat_presence.user_ids.values` must be a list of ids');
    if (ids.exclude_values !== undefined && !isList(ids.exclude_values)) {
      throw validation('`filters.chat_presence.user_ids.exclude_values` must be a list of ids');
    }
    out.user_ids = { values: ids.values as string[] | undefined, exclude_values: ids.exclude_values as string[] | undefined };
  }
  return out;
}

/** `list_webhook_names`: what each action accepts. */
export function webhookNames(): Array<Record<string, unknown>> {
  return ALL_ACTIONS.map((action) => {
    if (!CHAT_ACTIONS.includes(action)) return { action };
    const filterNames = ['chat_presence', 'only_my_chats', 'source_type'];
    if (AUTHOR_TYPE_ACTIONS.includes(action)) filterNames.unshift('author_type');
    return { action, filters: filterNames, additional_data: [...ADDITIONAL_DATA] };
  });
}
