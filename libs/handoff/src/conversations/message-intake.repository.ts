import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { hotQuery } from '@agent-bridge/persistence';
import type { BotkitPayload } from '@agent-bridge/botkit';
import type { TranscriptMessage } from '../relay/transcript.repository';
import { PREFIXED, QUALIFIED_LEAN, toConversation, type Row } from './conversation.row';
import type { Conversation } from './conversation.types';

/**
 * A user message taken in agent mode (MessageIntakeRepository.takeUserMessage):
 * - `reset`: the platform left agent mode on its own; nothing was stored;
 * - `context`: no message to store (an end command): only the request context was stored;
 * - `stored`: the message is in the transcript, `delivered` when it goes to the desk now (nothing
 *   older waits and the desk chat is open; a failed send corrects it), else `pending` for the drain;
 * - `repeat`: this request was stored before (a re-run of the lane item); the caller reads that row.
 */
export type UserMessageTake =
  | { kind: 'reset'; conversationId: string }
  | { kind: 'context'; conversation: Conversation }
  | { kind: 'stored'; conversation: Conversation; message: { id: string; externalId: string; text: string; createdAt: Date }; sendNow: boolean }
  | { kind: 'repeat'; conversation: Conversation };

/** What a desk message found and stored (MessageIntakeRepository.takeDeskMessage). */
export interface DeskMessageTake {
  conversation: Conversation;
  /** The author is ourselves on the desk (an echo of what we sent): nothing was stored. */
  own: boolean;
  /** Null when nothing was stored: the session is closed, the message is our own, or it was stored before. */
  message: TranscriptMessage | null;
  olderPending: number;
}

/**
 * The two statements of the hot path, one per direction: each finds the session and stores the
 * message (with the session's update) in one round trip.
 */
@Injectable()
export class MessageIntakeRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * A user message in agent mode, in one statement: finds the visitor's active session (null: the
   * message is the bot's), unless the platform reset agent mode (`resetIfSeen` and the session saw
   * `agent_transfer: true` before) stores the newest request context on it (replies use its URLs)
   * and, when `text` is given, the transcript row: `delivered` if it goes to the desk at once
   * (nothing older pending, desk chat open), else `pending`. The lane runs one message per
   * visitor at a time, so the count of older pending rows cannot change underneath. `payloadJson`:
   * the payload already serialized, when the caller has it (stored as is).
   */
  async takeUserMessage(
    botId: string,
    visitorKey: string,
    payload: BotkitPayload,
    message: { externalId: string; text: string } | null,
    resetIfSeen: boolean,
    payloadJson?: string,
  ): Promise<UserMessageTake | null> {
    const rows: Array<Row & { session_id: string; message_id: string | null; message_state: string | null; message_at: Date | null }> = await hotQuery(this.db,
      `WITH c AS (
         SELECT c.id, c.agent_mode_seen, c.provider_ref,
           (SELECT count(*)::int FROM transcript_messages t
             WHERE t.conversation_id = c.id AND t.direction = 'to_agent' AND t.delivery_state = 'pending') AS older_pending
         FROM conversations c WHERE c.bot_id = $1 AND c.visitor_key = $2 AND c.state <> 'closed'
       ), go AS (
         SELECT c.id, (c.provider_ref IS NOT NULL AND c.older_pending = 0) AS send_now FROM c WHERE NOT (c.agent_mode_seen AND $3::boolean)
       ), u AS (
         UPDATE conversations SET latest_request_id = $4, latest_payload = $5, last_activity_at = now(),
           agent_mode_seen = conversations.agent_mode_seen OR $6::boolean
         FROM go WHERE conversations.id = go.id
         RETURNING ${QUALIFIED_LEAN}
       ), m AS (
         INSERT INTO transcript_messages (conversation_id, direction, author, text, external_id, created_at, sent_at,
           delivery_state, delivered_at, attempts)
         SELECT go.id, 'to_agent', 'user', $7, $8, now(), now(), CASE WHEN go.send_now THEN 'delivered' ELSE 'pending' END,
           CASE WHEN go.send_now THEN now() END, CASE WHEN go.send_now THEN 1 ELSE 0 END
         FROM go WHERE $7::text IS NOT NULL
         ON CONFLICT (conversation_id, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING id, delivery_state, created_at
       )
       SELECT u.*, c.id AS session_id, m.id AS message_id, m.delivery_state AS message_state, m.created_at AS message_at
       FROM c LEFT JOIN u ON u.id = c.id LEFT JOIN m ON true`,
      [botId, visitorKey, resetIfSeen, payload.requestId, payloadJson ?? payload, payload.agent_transfer === true, message?.text ?? null, message?.externalId ?? null],
      'ab_take_user_message',
    );
    const row = rows[0];
    if (!row) return null;
    if (!row.id) return { kind: 'reset', conversationId: row.session_id };
    const conversation = toConversation({ ...row, latest_payload: payload });
    if (!message) return { kind: 'context', conversation };
    if (!row.message_id) return { kind: 'repeat', conversation };
    return {
      kind: 'stored',
      conversation,
      message: { id: String(row.message_id), externalId: message.externalId, text: message.text, createdAt: row.message_at! },
      sendNow: row.message_state === 'delivered',
    };
  }

  /**
   * A desk message for the user, in one statement: finds the chat's session (the open one, else
   * the latest) and, unless the session is closed or the author is ourselves (the adapter's chat
   * state holds our own author id under `own.stateKey`), stores the message pending and touches
   * the session. Null when no session has that chat.
   */
  async takeDeskMessage(
    provider: string,
    ref: string,
    message: { externalId: string; text: string; authorName: string | null; sentAt: string | null },
    own: { stateKey: string; authorId: string | null },
  ): Promise<DeskMessageTake | null> {
    const rows: Array<Row & { own: boolean; message_id: string | null; message_at: Date | null; message_author: string | null; older_pending: number }> =
      await hotQuery(this.db,
        `WITH c AS (
           SELECT ${PREFIXED}, (s.state ->> $7::text) IS NOT DISTINCT FROM $8::text AS own FROM conversations c
           LEFT JOIN provider_chat_state s ON s.conversation_id = c.id
           WHERE c.provider = $1 AND c.provider_ref = $2
           ORDER BY (c.state <> 'closed') DESC, c.opened_at DESC LIMIT 1
         ), m AS (
           INSERT INTO transcript_messages (conversation_id, direction, author, author_name, text, external_id, sent_at)
           SELECT c.id, 'to_user', 'agent', COALESCE($3, c.agent_name), $4, $5, COALESCE($6::timestamptz, now()) FROM c
           WHERE c.state <> 'closed' AND NOT c.own
           ON CONFLICT (conversation_id, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING
           RETURNING id, conversation_id, author_name, created_at
         ), touched AS (
           UPDATE conversations SET last_activity_at = now() FROM m WHERE conversations.id = m.conversation_id RETURNING conversations.id
         )
         SELECT c.*, m.id AS message_id, m.created_at AS message_at, m.author_name AS message_author,
           (SELECT count(*)::int FROM transcript_messages p
             WHERE p.conversation_id = c.id AND p.direction = 'to_user' AND p.delivery_state = 'pending') AS older_pending
         FROM c LEFT JOIN m ON true`,
        [provider, ref, message.authorName, message.text, message.externalId, message.sentAt, own.stateKey, own.authorId],
        'ab_take_desk_message',
      );
    const row = rows[0];
    if (!row) return null;
    const conversation = toConversation(row);
    const stored: TranscriptMessage | null = row.message_id
      ? {
          id: String(row.message_id),
          conversationId: conversation.id,
          direction: 'to_user',
          author: 'agent',
          authorName: row.message_author,
          text: message.text,
          externalId: message.externalId,
          createdAt: row.message_at!,
          deliveryState: 'pending',
          attempts: 0,
        }
      : null;
    return { conversation, own: row.own, message: stored, olderPending: row.older_pending };
  }
}
