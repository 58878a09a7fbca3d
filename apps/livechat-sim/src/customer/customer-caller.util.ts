import { ApiError, validation } from '../common/api-error';
import type { ChatStore } from '../state/chat.store';
import type { ActionSource, SimChat, SimCustomer } from '../state/chat.types';

export interface CustomerCaller {
  customer: SimCustomer;
  /** Client id the customer token was minted for: becomes the chat's `source.client_id`. */
  clientId: string;
}

export function callerSource(caller: CustomerCaller): ActionSource {
  return { kind: 'client', clientId: caller.clientId };
}

export function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0) throw validation(`\`${key}\` is required`);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw validation(`\`${key}\` must be a boolean`);
  return value;
}

/** A customer only sees their own chat; anyone else's is reported as not found. */
export function ownChat(store: ChatStore, caller: CustomerCaller, chatId: string): SimChat {
  const chat = store.get(chatId);
  if (!chat || chat.customerId !== caller.customer.id) throw new ApiError('not_found', 'Chat not found');
  return chat;
}
