import type { ActionSource, SimChat, SimEvent } from '../state/chat.types';
import type { RegisteredWebhook } from './webhook.types';

export interface FilterContext {
  chat: SimChat;
  /** Users present in the chat when the action happened. */
  presentUserIds: string[];
  source: ActionSource;
  event?: SimEvent;
}

export function passesFilters(webhook: RegisteredWebhook, ctx: FilterContext): boolean {
  const filters = webhook.filters;
  if (!filters) return true;
  if (filters.only_my_chats && chatClientId(ctx.chat) !== webhook.owner_client_id) return false;
  if (filters.author_type && ctx.event) {
    const author = ctx.event.author_id;
    // [unverified] System messages have no author, so an author_type filter drops them.
    if (author === undefined) return false;
    const isCustomer = author === ctx.chat.customerId;
    if (filters.author_type === 'customer' ? !isCustomer : isCustomer) return false;
  }
  if (filters.source_type && filters.source_type.length > 0 && !filters.source_type.includes(sourceType(webhook, ctx.source))) {
    return false;
  }
  const userIds = filters.chat_presence?.user_ids;
  if (userIds?.values && !userIds.values.some((id) => ctx.presentUserIds.includes(id))) return false;
  if (userIds?.exclude_values && userIds.exclude_values.some((id) => ctx.presentUserIds.includes(id))) return false;
  // The simulator has no bots, so a `my_bots` presence filter never matches.
  if (filters.chat_presence?.my_bots) return false;
  return true;
}

export function chatClientId(chat: SimChat): string | undefined {
  const source = chat.properties.source;
  return typeof source?.client_id === 'string' ? source.client_id : undefined;
}

function sourceType(webhook: RegisteredWebhook, source: ActionSource): string {
  if (source.kind === 'system') return 'system';
  return source.clientId === webhook.owner_client_id ? 'my_client' : 'other_clients';
}
