import type { LaneInboxService } from '@agent-bridge/events';
import type { LiveChatWebhookJob } from '@agent-bridge/queue';

export const LIVECHAT_LANE = 'livechat';

/** Webhooks reach the lanes as `incoming_event` only, so a webhook cannot ask for a catch-up. */
export const CATCH_UP_ACTION = 'agent_bridge_catch_up';

/** Deliveries are at least once: the same event (or deactivation) is queued once. */
export function webhookKey(action: string, payload: Record<string, unknown>): string | null {
  const event = payload.event as { id?: unknown } | undefined;
  const chat = typeof payload.chat_id === 'string' ? payload.chat_id : '';
  switch (action) {
    case 'incoming_event':
      return typeof event?.id === 'string' ? `ev.${chat}.${event.id}` : null;
    case 'chat_deactivated':
      return `deact.${chat}.${String(payload.thread_id ?? '')}`;
    case 'user_added_to_chat':
    case 'user_removed_from_chat': {
      const user = (payload.user as { id?: unknown } | undefined)?.id ?? payload.user_id;
      return `${action}.${chat}.${String(payload.thread_id ?? '')}.${String(user ?? '')}`;
    }
    default:
      return null;
  }
}

/** What the controller accepts a chat event's webhook under. */
export function eventDedupeKey(chatId: string, eventId: string): string {
  return `lc.${webhookKey('incoming_event', { chat_id: chatId, event: { id: eventId } })!}`;
}

/**
 * At start, one per chat per minute however many instances start together; after refused webhooks,
 * one per chat per refusal (`cause`: `refused.<when it began>`).
 */
export function acceptCatchUp(lanes: LaneInboxService, chatId: string, now = Date.now(), cause = 'start'): Promise<unknown> {
  const job: LiveChatWebhookJob = { action: CATCH_UP_ACTION, payload: { chat_id: chatId }, receivedAt: now };
  const minute = Math.floor(now / 60_000);
  const key = cause === 'start' ? `lc.catchup.${chatId}.${minute}` : `lc.catchup.${cause}.${chatId}`;
  return lanes.accept(LIVECHAT_LANE, chatId, key, JSON.stringify(job), job);
}
