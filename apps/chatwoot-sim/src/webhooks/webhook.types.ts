/** Chatwoot's `Webhook::ALLOWED_WEBHOOK_EVENTS` (app/models/webhook.rb). */
export const WEBHOOK_EVENTS = [
  'conversation_status_changed',
  'conversation_updated',
  'conversation_created',
  'contact_created',
  'contact_updated',
  'message_created',
  'message_updated',
  'webwidget_triggered',
  'inbox_created',
  'inbox_updated',
  'conversation_typing_on',
  'conversation_typing_off',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface RegisteredWebhook {
  id: number;
  accountId: number;
  name: string | null;
  url: string;
  subscriptions: string[];
  inboxId: number | null;
  /** Null when signing is off (a server older than 4.11.2). */
  secret: string | null;
}

export interface DeliveryAttempt {
  at: string;
  durationMs: number;
  status?: number;
  error?: string;
}

export interface DeliveryRecord {
  id: string;
  webhookId: number;
  url: string;
  event: string;
  /** `X-Chatwoot-Delivery`: a duplicate carries its original's. */
  deliveryId: string;
  /** Shared with the log: treat as read-only. */
  body: Record<string, unknown>;
  duplicate: boolean;
  /** Held back by the out-of-order fault and sent after a later delivery. */
  held: boolean;
  state: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: DeliveryAttempt[];
}

/** Counts apply to the next deliveries, one each. */
export interface WebhookFaults {
  duplicate: number;
  hold: number;
  drop: number;
  /** Before each send. */
  delayMs: number;
  /** A held delivery goes anyway after this long when nothing follows it. */
  holdMaxMs: number;
  /**
   * When set, the counts apply to deliveries of this event only, and a held one waits for the next
   * delivery of the same event (a message overtaken by the next message, not by a contact update).
   */
  event: string | null;
}

export const NO_WEBHOOK_FAULTS: WebhookFaults = { duplicate: 0, hold: 0, drop: 0, delayMs: 0, holdMaxMs: 2_000, event: null };
