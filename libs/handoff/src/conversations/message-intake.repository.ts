import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TurnBatch, hotQuery } from '@agent-bridge/persistence';
import type { BotkitPayload } from '@agent-bridge/botkit';
import type { TranscriptMessage } from '../relay/transcript.repository';
import { PREFIXED, QUALIFIED_LEAN, toConversation, type Row } from './conversation.row';
import type { Conversation } from './conversation.types';

/**
 * `reset`: the platform left agent mode on its own, nothing stored; `context`: an end command, only the
 * request context stored; `repeat`: a re-run of the lane item, stored before.
 */
export type UserMessageTake =
  | { kind: 'reset'; conversationId: string }
  | { kind: 'context'; conversation: Conversation }
  | { kind: 'stored'; conversation: Conversation; message: { id: string; externalId: string; text: string; createdAt: Date }; sendNow: boolean }
  | { kind: 'repeat'; conversation: Conversation };

export interface DeskMessageTake {
  conversation: Conversation;
  /** An echo of what we sent: nothing was stored. */
  own: boolean;
  /** Null when nothing was stored: the session is closed, the message is our own, or it was stored before. */
  message: TranscriptMessage | null;
  olderPending: number;
}

interface DeskMessageColumns {
  message_id: string | null;
  message_at: Date | null;
  message_author: string | null;
  message_state: string | null;
  message_attempts: number | null;
}

interface UserMessageInput {
  botId: string;
  visitorKey: string;
  resetIfSeen: boolean;
  requestId: string;
  payloadJson: string;
  transfer: boolean;
  text: string | null;
  externalId: string | null;
}

type IntakeRow = Row & { session_id: string; message_id: string | null; message_state: string | null; message_at: Date | null };

/** None waiting: a new message goes now. */
const olderPending = (direction: 'to_agent' | 'to_user'): string => `(SELECT count(*)::int FROM transcript_messages t
  WHERE t.conversation_id = c.id AND t.direction = '${direction}' AND t.delivery_state = 'pending')`;

/**
 * `delivered` when it goes now (a failed send corrects it). Attempts stay 0: `delivered` with attempts > 0
 * means a confirmed send, which a re-run never repeats.
 */
const storedAs = (goesNow: string): string => `CASE WHEN ${goesNow} THEN 'delivered' ELSE 'pending' END,
  CASE WHEN ${goesNow} THEN now() END, 0`;

/**
 * $1 bot, $2 visitor, $3 reset if seen, $4 request id, $5 payload, $6 transfer flag, $7 text, $8 external
 * id. A lone message keeps this statement: TAKE_MANY with one element costs more (bench/README.md).
 */
const TAKE_ONE = `WITH c AS (
    SELECT c.id, c.agent_mode_seen, c.provider_ref, ${olderPending('to_agent')} AS older_pending
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
    SELECT go.id, 'to_agent', 'user', $7, $8, now(), now(), ${storedAs('go.send_now')}
    FROM go WHERE $7::text IS NOT NULL
    ON CONFLICT (conversation_id, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING
    RETURNING id, delivery_state, created_at
  )
  SELECT u.*, c.id AS session_id, m.id AS message_id, m.delivery_state AS message_state, m.created_at AS message_at
  FROM c LEFT JOIN u ON u.id = c.id LEFT JOIN m ON true`;

/** Distinct sessions only; each row carries its message's 1-based position (`ord`), none when no session. */
const TAKE_MANY = `WITH i AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[])
      WITH ORDINALITY AS i (bot_id, visitor_key, reset_if_seen, request_id, payload, transfer, text, external_id, ord)
  ), c AS (
    SELECT i.ord, c.id, c.agent_mode_seen, c.provider_ref, ${olderPending('to_agent')} AS older_pending
    FROM i JOIN conversations c ON c.bot_id = i.bot_id AND c.visitor_key = i.visitor_key AND c.state <> 'closed'
  ), go AS (
    SELECT c.id, (c.provider_ref IS NOT NULL AND c.older_pending = 0) AS send_now, i.*
    FROM c JOIN i ON i.ord = c.ord WHERE NOT (c.agent_mode_seen AND i.reset_if_seen)
  ), u AS (
    UPDATE conversations SET latest_request_id = go.request_id, latest_payload = go.payload::json, last_activity_at = now(),
      agent_mode_seen = conversations.agent_mode_seen OR go.transfer
    FROM go WHERE conversations.id = go.id
    RETURNING ${QUALIFIED_LEAN}
  ), m AS (
    INSERT INTO transcript_messages (conversation_id, direction, author, text, external_id, created_at, sent_at,
      delivery_state, delivered_at, attempts)
    SELECT go.id, 'to_agent', 'user', go.text, go.external_id, now(), now(), ${storedAs('go.send_now')}
    FROM go WHERE go.text IS NOT NULL
    ON CONFLICT (conversation_id, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING
    RETURNING id, conversation_id, delivery_state, created_at
  )
  SELECT c.ord, u.*, c.id AS session_id, m.id AS message_id, m.delivery_state AS message_state, m.created_at AS message_at
  FROM c LEFT JOIN u ON u.id = c.id LEFT JOIN m ON m.conversation_id = c.id`;

/**
 * The hot path: each direction finds the session and stores the message with the session's update in
 * one round trip, so its statements write conversations and transcript_messages (the other repositories' tables).
 */
@Injectable()
export class MessageIntakeRepository {
  private readonly logger = new Logger(MessageIntakeRepository.name);
  /** The user messages of one turn of the event loop share a statement. */
  private readonly userMessages = new TurnBatch<UserMessageInput, IntakeRow | undefined>(
    (input) => this.takeOne(input),
    (inputs) => this.takeMany(inputs),
  );

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Null: no active session, the message is the bot's. The lane runs one message per visitor at a time,
   * so the count of older pending rows cannot change underneath.
   */
  async takeUserMessage(
    botId: string,
    visitorKey: string,
    payload: BotkitPayload,
    message: { externalId: string; text: string } | null,
    resetIfSeen: boolean,
    payloadJson?: string,
  ): Promise<UserMessageTake | null> {
    const row = await this.userMessages.run({
      botId,
      visitorKey,
      resetIfSeen,
      requestId: payload.requestId,
      payloadJson: payloadJson ?? JSON.stringify(payload),
      transfer: payload.agent_transfer === true,
      text: message?.text ?? null,
      externalId: message?.externalId ?? null,
    });
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

  private async takeOne(input: UserMessageInput): Promise<IntakeRow | undefined> {
    const rows = await hotQuery<IntakeRow>(this.db, TAKE_ONE, [
      input.botId,
      input.visitorKey,
      input.resetIfSeen,
      input.requestId,
      input.payloadJson,
      input.transfer,
      input.text,
      input.externalId,
    ], 'ab_take_user_message');
    return rows[0];
  }

  /** Should the batch name a session twice, or the statement fail, each message is taken alone: only a failing one fails. */
  private async takeMany(inputs: UserMessageInput[]): Promise<Array<PromiseSettledResult<IntakeRow | undefined>>> {
    const visitors = new Set(inputs.map((input) => `${input.botId}\u0000${input.visitorKey}`));
    if (visitors.size === inputs.length) {
      try {
        const columns: unknown[][] = [[], [], [], [], [], [], [], []];
        for (const input of inputs) {
          columns[0]!.push(input.botId);
          columns[1]!.push(input.visitorKey);
          columns[2]!.push(input.resetIfSeen);
          columns[3]!.push(input.requestId);
          columns[4]!.push(input.payloadJson);
          columns[5]!.push(input.transfer);
          columns[6]!.push(input.text);
          columns[7]!.push(input.externalId);
        }
        const rows = await hotQuery<IntakeRow & { ord: string }>(this.db, TAKE_MANY, columns, 'ab_take_user_messages');
        const byOrdinal = new Map(rows.map((row) => [Number(row.ord), row]));
        return inputs.map((_, i) => ({ status: 'fulfilled', value: byOrdinal.get(i + 1) }));
      } catch (error) {
        this.logger.warn(`a batch of ${inputs.length} user messages failed (${(error as Error).message}); taking each alone`);
      }
    }
    const results: Array<PromiseSettledResult<IntakeRow | undefined>> = [];
    for (const input of inputs) {
      results.push(await this.takeOne(input).then((value) => ({ status: 'fulfilled', value }), (reason: unknown) => ({ status: 'rejected', reason })));
    }
    return results;
  }

  /** The chat's open session, else its latest. Null when no session has that chat. */
  async takeDeskMessage(
    provider: string,
    ref: string,
    message: { externalId: string; text: string; authorName: string | null; sentAt: string | null },
    own: { stateKey: string; authorId: string | null },
  ): Promise<DeskMessageTake | null> {
    const rows: Array<Row & DeskMessageColumns & { own: boolean; older_pending: number }> =
      await hotQuery(this.db,
        `WITH c AS (
           SELECT ${PREFIXED}, (s.state ->> $7::text) IS NOT DISTINCT FROM $8::text AS own, ${olderPending('to_user')} AS older_pending
           FROM conversations c
           LEFT JOIN provider_chat_state s ON s.conversation_id = c.id
           WHERE c.provider = $1 AND c.provider_ref = $2
           ORDER BY (c.state <> 'closed') DESC, c.opened_at DESC LIMIT 1
         ), m AS (
           INSERT INTO transcript_messages (conversation_id, direction, author, author_name, text, external_id, sent_at,
             delivery_state, delivered_at, attempts)
           SELECT c.id, 'to_user', 'agent', COALESCE($3, c.agent_name), $4, $5, COALESCE($6::timestamptz, now()),
             ${storedAs('c.older_pending = 0')}
           FROM c WHERE c.state <> 'closed' AND NOT c.own
           ON CONFLICT (conversation_id, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING
           RETURNING id, conversation_id, author_name, created_at, delivery_state, attempts
         ), touched AS (
           -- The first agent message stamps first_response_at in the update every message makes anyway.
           UPDATE conversations SET last_activity_at = now(), first_response_at = COALESCE(conversations.first_response_at, now())
           FROM m WHERE conversations.id = m.conversation_id RETURNING conversations.id
         )
         SELECT c.*, m.id AS message_id, m.created_at AS message_at, m.author_name AS message_author,
           m.delivery_state AS message_state, m.attempts AS message_attempts
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
          deliveryState: row.message_state as TranscriptMessage['deliveryState'],
          attempts: row.message_attempts ?? 0,
        }
      : null;
    return {
      conversation,
      own: row.own,
      message: stored,
      olderPending: row.older_pending,
    };
  }
}
