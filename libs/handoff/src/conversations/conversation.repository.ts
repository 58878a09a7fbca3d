import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { hotQuery } from '@agent-bridge/persistence';
import type { BotkitPayload } from '@agent-bridge/botkit';
import type { CloseReason, Conversation, ConversationState, HandoffTrigger } from './conversation.types';

/** A transcript row as the relay uses it (the shape of TranscriptRepository's messages). */
export interface TranscriptRow {
  id: string;
  conversationId: string;
  direction: 'to_user';
  author: 'agent';
  authorName: string | null;
  text: string;
  externalId: string;
  createdAt: Date;
  deliveryState: 'pending';
  attempts: number;
}

const COLUMNS = `id, bot_id, visitor_key, state, trigger, provider, provider_ref, agent_id, agent_name, user_name,
  latest_request_id, latest_payload, opened_at, assigned_at, closed_at, close_reason, last_activity_at`;

const PREFIXED = COLUMNS.split(',').map((c) => `c.${c.trim()}`).join(', ');
/** Without the request context, qualified for an UPDATE's RETURNING: the hot path has just written it and needs no copy back. */
const QUALIFIED_LEAN = COLUMNS.split(',').map((c) => c.trim()).filter((c) => c !== 'latest_payload').map((c) => `conversations.${c}`).join(', ');

interface Row {
  id: string;
  bot_id: string;
  visitor_key: string;
  state: ConversationState;
  trigger: HandoffTrigger;
  provider: string;
  provider_ref: string | null;
  agent_id: string | null;
  agent_name: string | null;
  user_name: string | null;
  latest_request_id: string;
  latest_payload: BotkitPayload;
  opened_at: Date;
  assigned_at: Date | null;
  closed_at: Date | null;
  close_reason: CloseReason | null;
  last_activity_at: Date;
}

function toConversation(row: Row): Conversation {
  return {
    id: row.id,
    botId: row.bot_id,
    visitorKey: row.visitor_key,
    state: row.state,
    trigger: row.trigger,
    provider: row.provider,
    providerRef: row.provider_ref,
    agentId: row.agent_id,
    agentName: row.agent_name,
    userName: row.user_name,
    latestRequestId: row.latest_request_id,
    latestPayload: row.latest_payload,
    openedAt: row.opened_at,
    assignedAt: row.assigned_at,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
    lastActivityAt: row.last_activity_at,
  };
}

/**
 * A user message taken in agent mode (ConversationRepository.takeUserMessage):
 * - `reset`: the platform left agent mode on its own; nothing was stored;
 * - `context`: no message to store (an end command): only the request context was stored;
 * - `stored`: the message is in the transcript, `delivered` when it goes to the desk now (nothing
 *   older waits and the desk chat is open; a failed send corrects it), else `pending` for the drain;
 * - `repeat`: this request was stored before (a re-run of the lane item): `existing` is that row.
 */
export type UserMessageTake =
  | { kind: 'reset'; conversationId: string }
  | { kind: 'context'; conversation: Conversation }
  | { kind: 'stored'; conversation: Conversation; message: { id: string; externalId: string; text: string; createdAt: Date }; sendNow: boolean }
  | { kind: 'repeat'; conversation: Conversation };

export interface OpenConversation {
  botId: string;
  visitorKey: string;
  trigger: HandoffTrigger;
  provider: string;
  userName: string | null;
  payload: BotkitPayload;
  actor: string;
}

/**
 * The visitor-session map, in plain SQL: the hot path (one lookup per event, one update per
 * message) costs a round trip each instead of TypeORM save()'s four. Every state change writes its
 * transition row in the same statement.
 */
@Injectable()
export class ConversationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findActive(botId: string, visitorKey: string): Promise<Conversation | null> {
    const rows: Row[] = await hotQuery(this.db,
      `SELECT ${COLUMNS} FROM conversations WHERE bot_id = $1 AND visitor_key = $2 AND state <> 'closed'`,
      [botId, visitorKey],
      'ab_conversation_active',
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /**
   * A user message in agent mode, in one statement: finds the visitor's active session (null: the
   * message is the bot's), unless the platform reset agent mode (`resetIfSeen` and the session saw
   * `agent_transfer: true` before) stores the newest request context on it (replies use its URLs)
   * and, when `text` is given, the transcript row: `delivered` if it goes to the desk at once
   * (nothing older pending, desk chat open), else `pending`. The lane runs one message per
   * visitor at a time, so the count of older pending rows cannot change underneath.
   */
  async takeUserMessage(
    botId: string,
    visitorKey: string,
    payload: BotkitPayload,
    message: { externalId: string; text: string } | null,
    resetIfSeen: boolean,
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
      [botId, visitorKey, resetIfSeen, payload.requestId, payload, payload.agent_transfer === true, message?.text ?? null, message?.externalId ?? null],
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

  async listActive(provider: string): Promise<Conversation[]> {
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM conversations WHERE provider = $1 AND state <> 'closed'`, [provider]);
    return rows.map(toConversation);
  }

  async findById(id: string): Promise<Conversation | null> {
    const rows: Row[] = await hotQuery(this.db,`SELECT ${COLUMNS} FROM conversations WHERE id = $1`, [id], 'ab_conversation_by_id');
    return rows[0] ? toConversation(rows[0]) : null;
  }

  async findByProviderRef(provider: string, ref: string): Promise<Conversation | null> {
    const rows: Row[] = await this.db.query(
      // The open session with that chat id, else the latest one (late events of a closed session).
      `SELECT ${COLUMNS} FROM conversations WHERE provider = $1 AND provider_ref = $2
       ORDER BY (state <> 'closed') DESC, opened_at DESC LIMIT 1`,
      [provider, ref],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /** findByProviderRef, with the adapter's state of that chat (one round trip for a desk webhook). */
  async findByProviderRefWithState<T extends object>(provider: string, ref: string): Promise<{ conversation: Conversation; chatState: Partial<T> } | null> {
    const rows: Array<Row & { chat_state: T | null }> = await hotQuery(this.db,
      `SELECT ${PREFIXED}, s.state AS chat_state FROM conversations c
       LEFT JOIN provider_chat_state s ON s.conversation_id = c.id
       WHERE c.provider = $1 AND c.provider_ref = $2
       ORDER BY (c.state <> 'closed') DESC, c.opened_at DESC LIMIT 1`,
      [provider, ref],
      'ab_conversation_by_ref_with_state',
    );
    return rows[0] ? { conversation: toConversation(rows[0]), chatState: rows[0].chat_state ?? {} } : null;
  }

  /**
   * A desk message for the user, on the hot path, in one statement: finds the chat's session (the
   * open one, else the latest), with the adapter's chat state, and, unless the session is closed or
   * the author is ourselves (`chat_state[ownKey] = authorId`), stores the message pending and
   * touches the session. Returns what it found; `message` is null for those two cases and for a
   * message stored before (a redelivery).
   */
  async takeDeskMessage<T extends object>(
    provider: string,
    ref: string,
    message: { externalId: string; text: string; authorName: string | null; sentAt: string | null },
    own: { stateKey: string; authorId: string | null },
  ): Promise<{ conversation: Conversation; chatState: Partial<T>; message: TranscriptRow | null; olderPending: number } | null> {
    const rows: Array<Row & { chat_state: T | null; message_id: string | null; message_at: Date | null; message_author: string | null; older_pending: number }> =
      await hotQuery(this.db,
        `WITH c AS (
           SELECT ${PREFIXED}, s.state AS chat_state FROM conversations c
           LEFT JOIN provider_chat_state s ON s.conversation_id = c.id
           WHERE c.provider = $1 AND c.provider_ref = $2
           ORDER BY (c.state <> 'closed') DESC, c.opened_at DESC LIMIT 1
         ), m AS (
           INSERT INTO transcript_messages (conversation_id, direction, author, author_name, text, external_id, sent_at)
           SELECT c.id, 'to_user', 'agent', COALESCE($3, c.agent_name), $4, $5, COALESCE($6::timestamptz, now()) FROM c
           WHERE c.state <> 'closed' AND (c.chat_state ->> $7::text) IS DISTINCT FROM $8::text
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
    const stored: TranscriptRow | null = row.message_id
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
    return { conversation, chatState: row.chat_state ?? {}, message: stored, olderPending: row.older_pending };
  }

  /** Opens a queued session; null when the visitor already has an active one (another instance won). */
  async open(input: OpenConversation): Promise<Conversation | null> {
    const rows: Row[] = await this.db.query(
      `WITH opened AS (
         INSERT INTO conversations (bot_id, visitor_key, state, trigger, provider, user_name, latest_request_id, latest_payload)
         VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7)
         ON CONFLICT (bot_id, visitor_key) WHERE state <> 'closed' DO NOTHING
         RETURNING ${COLUMNS}
       ), logged AS (
         INSERT INTO conversation_transitions (conversation_id, from_state, to_state, reason, actor)
         SELECT id, 'bot', 'queued', trigger, $8 FROM opened
       )
       SELECT * FROM opened`,
      [input.botId, input.visitorKey, input.trigger, input.provider, input.userName, input.payload.requestId, input.payload, input.actor],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  async setProviderRef(id: string, ref: string): Promise<void> {
    await this.db.query(`UPDATE conversations SET provider_ref = $2 WHERE id = $1`, [id, ref]);
  }

  /** queued -> assigned, or a new agent on an assigned chat (a transfer); null if closed meanwhile. */
  async assign(
    id: string,
    agent: { id: string; name: string },
    actor: string,
    reason = 'agent_joined',
    from: ConversationState[] = ['queued', 'assigned'],
  ): Promise<Conversation | null> {
    const result = await this.transition(id, 'assigned', reason, actor, from,
      `UPDATE conversations SET state = 'assigned', agent_id = $2, agent_name = $3,
         assigned_at = COALESCE(assigned_at, now()), last_activity_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [agent.id, agent.name]);
    return result?.conversation ?? null;
  }

  /**
   * Closes an active session. Exactly one caller gets the row back, however many paths race to
   * end it; only that caller tells the other side and clears the platform's agent session.
   */
  close(id: string, reason: CloseReason, actor: string): Promise<{ conversation: Conversation; from: ConversationState } | null> {
    return this.transition(id, 'closed', reason, actor, ['queued', 'assigned'],
      `UPDATE conversations SET state = 'closed', closed_at = now(), close_reason = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
      [reason]);
  }

  /**
   * One transition in one transaction: lock the active row (a racing caller waits, then finds it
   * closed and gets null), change it, and record who, when and why.
   */
  /** assigned -> queued: the agent left (disconnected past the grace period); the chat waits again. */
  async requeue(id: string, actor: string, reason: string): Promise<Conversation | null> {
    const result = await this.transition(id, 'queued', reason, actor, ['assigned'],
      `UPDATE conversations SET state = 'queued', agent_id = NULL, agent_name = NULL WHERE id = $1 RETURNING ${COLUMNS}`, []);
    return result?.conversation ?? null;
  }

  async setDisposition(id: string, disposition: string | null): Promise<void> {
    await this.db.query(`UPDATE conversations SET disposition = $2 WHERE id = $1`, [id, disposition]);
  }

  async queued(provider: string): Promise<Conversation[]> {
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM conversations WHERE provider = $1 AND state = 'queued' ORDER BY opened_at, id`,
      [provider],
    );
    return rows.map(toConversation);
  }

  async assignedTo(provider: string, agentId: string): Promise<Conversation[]> {
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM conversations WHERE provider = $1 AND state = 'assigned' AND agent_id = $2 ORDER BY assigned_at`,
      [provider, agentId],
    );
    return rows.map(toConversation);
  }

  /** Average wait of the last sessions an agent took, for the user's estimated wait. */
  async averageWaitSeconds(provider: string, sample = 50): Promise<number | null> {
    const rows: Array<{ s: number | null }> = await this.db.query(
      `SELECT avg(extract(epoch FROM assigned_at - opened_at))::float AS s FROM (
         SELECT assigned_at, opened_at FROM conversations WHERE provider = $1 AND assigned_at IS NOT NULL ORDER BY assigned_at DESC LIMIT $2) t`,
      [provider, sample],
    );
    return rows[0]?.s ?? null;
  }

  private transition(
    id: string,
    to: ConversationState,
    reason: string,
    actor: string,
    from: ConversationState[],
    update: string,
    params: unknown[],
  ): Promise<{ conversation: Conversation; from: ConversationState } | null> {
    return this.db.transaction(async (manager) => {
      const [current]: Array<{ state: ConversationState }> = await manager.query(
        `SELECT state FROM conversations WHERE id = $1 AND state = ANY($2) FOR UPDATE`,
        [id, from],
      );
      if (!current) return null;
      // In a CTE: TypeORM answers a bare UPDATE with [rows, count] but a SELECT with rows.
      const [row]: Row[] = await manager.query(`WITH changed AS (${update}) SELECT * FROM changed`, [id, ...params]);
      await manager.query(
        `INSERT INTO conversation_transitions (conversation_id, from_state, to_state, reason, actor) VALUES ($1, $2, $3, $4, $5)`,
        [id, current.state, to, reason, actor],
      );
      return { conversation: toConversation(row!), from: current.state };
    });
  }

  /** Keeps the newest request context: agent replies must use the latest URLs and requestId. */
  async touch(id: string, payload: BotkitPayload | null): Promise<void> {
    if (payload) {
      await this.db.query(
        `UPDATE conversations SET latest_request_id = $2, latest_payload = $3, last_activity_at = now() WHERE id = $1`,
        [id, payload.requestId, payload],
      );
    } else {
      await this.db.query(`UPDATE conversations SET last_activity_at = now() WHERE id = $1`, [id]);
    }
  }

  async isPlatformCleared(id: string): Promise<boolean> {
    const rows: Array<{ cleared: boolean }> = await this.db.query(
      `SELECT platform_cleared_at IS NOT NULL AS cleared FROM conversations WHERE id = $1`,
      [id],
    );
    return rows[0]?.cleared ?? false;
  }

  async markPlatformCleared(id: string): Promise<void> {
    await this.db.query(`UPDATE conversations SET platform_cleared_at = now() WHERE id = $1`, [id]);
  }

  async transitions(id: string): Promise<Array<{ from: string | null; to: string; reason: string | null; actor: string; at: Date }>> {
    return this.db.query(
      `SELECT from_state AS "from", to_state AS "to", reason, actor, at FROM conversation_transitions WHERE conversation_id = $1 ORDER BY id`,
      [id],
    );
  }
}
