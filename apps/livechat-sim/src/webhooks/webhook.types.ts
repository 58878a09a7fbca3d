/** Webhook actions a chat can trigger: filters and `additional_data` apply to these. */
export const CHAT_WEBHOOK_ACTIONS = [
  'incoming_chat',
  'chat_deactivated',
  'chat_access_updated',
  'chat_transferred',
  'user_added_to_chat',
  'user_removed_from_chat',
  'incoming_event',
  'event_updated',
  'event_deleted',
  'incoming_rich_message_postback',
  'chat_properties_updated',
  'chat_properties_deleted',
  'thread_properties_updated',
  'thread_properties_deleted',
  'event_properties_updated',
  'event_properties_deleted',
  'thread_tagged',
  'thread_untagged',
  'events_marked_as_seen',
] as const;

/** Licence-level actions: registrable, never produced by the simulator. */
export const OTHER_WEBHOOK_ACTIONS = [
  'routing_status_set',
  'incoming_customer',
  'customer_session_fields_updated',
  'agent_created',
  'agent_approved',
  'agent_updated',
  'agent_suspended',
  'agent_unsuspended',
  'agent_deleted',
  'auto_accesses_updated',
  'bot_created',
  'bot_updated',
  'bot_deleted',
  'group_created',
  'group_updated',
  'group_deleted',
  'tag_created',
  'tag_deleted',
  'tag_updated',
] as const;

export type WebhookAction = (typeof CHAT_WEBHOOK_ACTIONS)[number] | (typeof OTHER_WEBHOOK_ACTIONS)[number];

export const AUTHOR_TYPE_ACTIONS: readonly string[] = ['incoming_event', 'event_updated'];
export const ADDITIONAL_DATA = ['chat_properties', 'chat_presence_user_ids'] as const;
export const SOURCE_TYPES = ['my_client', 'other_clients', 'system'] as const;

export interface WebhookFilters {
  author_type?: 'customer' | 'agent';
  only_my_chats?: boolean;
  chat_presence?: { user_ids?: { values?: string[]; exclude_values?: string[] }; my_bots?: boolean };
  source_type?: string[];
}

export interface RegisteredWebhook {
  id: string;
  url: string;
  action: string;
  secret_key: string;
  owner_client_id: string;
  type: 'license' | 'bot';
  description?: string;
  additional_data?: string[];
  filters?: WebhookFilters;
}

export interface WebhookEnvelope {
  webhook_id: string;
  secret_key: string;
  action: string;
  organization_id: string;
  payload: Record<string, unknown>;
  additional_data?: Record<string, unknown>;
}

export interface DeliveryAttempt {
  at: string;
  durationMs: number;
  /** HTTP status the receiver answered, when it answered. */
  status?: number;
  /** Connection error or `timeout`. */
  error?: string;
  /** The attempt reached the receiver but the simulator counted it as failed (`failFirstAttempts`). */
  injectedFailure?: boolean;
}

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  action: string;
  url: string;
  /** The body as sent (with the wrong secret when that fault was on). */
  body: WebhookEnvelope;
  /** An extra copy made by the duplicate fault. */
  duplicate: boolean;
  /** Held back by the reorder fault and sent after a later delivery. */
  reordered: boolean;
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
}

export interface WebhookFaults {
  /** `true` duplicates every delivery; a number in [0,1] is a probability. */
  duplicate: boolean | number;
  /** Hold a delivery back and send it after the next one. */
  reorder: boolean;
  /** A held delivery goes out after this long even when nothing follows it. */
  reorderMaxHoldMs: number;
  /** Delay before the first attempt. */
  delayMs: number;
  /** The first N attempts of every delivery are sent but counted as failed, so they are retried. */
  failFirstAttempts: number;
  /** Send a wrong `secret_key`, to test the receiver's check. */
  wrongSecret: boolean;
}

export const NO_WEBHOOK_FAULTS: WebhookFaults = {
  duplicate: false,
  reorder: false,
  reorderMaxHoldMs: 2_000,
  delayMs: 0,
  failFirstAttempts: 0,
  wrongSecret: false,
};
