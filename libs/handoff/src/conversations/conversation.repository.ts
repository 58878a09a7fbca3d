import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { hotQuery } from '@agent-bridge/persistence';
import type { BotkitPayload } from '@agent-bridge/botkit';
import type { CloseReason, Conversation, ConversationState, HandoffTrigger } from './conversation.types';

const COLUMNS = `id, bot_id, visitor_key, state, trigger, provider, provider_ref, agent_id, agent_name, user_name,
  latest_request_id, latest_payload, opened_at, assigned_at, closed_at, close_reason, last_activity_at`;

const PREFIXED = COLUMNS.split(',').map((c) => `c.${c.trim()}`).join(', ');
/** The same without the request context: the hot path has just written it and needs no copy back. */
const PREFIXED_LEAN = PREFIXED.split(', ').filter((c) => c !== 'c.latest_payload').join(', ');

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

/** What a user message finds before it is relayed (see ConversationRepository.userMessageContext). */
export interface UserMessageStep {
  /** The session, with this message's request context. */
  conversation: Conversation;
  /** Messages of this session came flagged `agent_transfer: true` before. */
  agentModeSeen: boolean;
  /** Messages for the agent still pending before this one. */
  olderPending: number;
  /** The transcript id reserved for this message (desks that page by cursor see it at once). */
  messageId: string;
  at: Date;
}

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
   * What a user message needs before anything is written, in one read: the visitor's active
   * session, whether the platform has flagged agent mode before, how many messages for the agent
   * still wait (delivery keeps their order), and the transcript id and time the message will get.
   * Null when the visitor has no active session (the message is the bot's).
   */
  async userMessageContext(botId: string, visitorKey: string, payload: BotkitPayload): Promise<UserMessageStep | null> {
    const rows: Array<Row & { agent_mode_seen: boolean; older_pending: number; next_id: string; at: Date }> = await hotQuery(this.db,
      `SELECT ${PREFIXED_LEAN}, c.agent_mode_seen,
         (SELECT count(*)::int FROM transcript_messages t
           WHERE t.conversation_id = c.id AND t.direction = 'to_agent' AND t.delivery_state = 'pending') AS older_pending,
         nextval('transcript_messages_id_seq') AS next_id, now() AS at
       FROM conversations c WHERE c.bot_id = $1 AND c.visitor_key = $2 AND c.state <> 'closed'`,
      [botId, visitorKey],
      'ab_user_message_context',
    );
    const row = rows[0];
    if (!row) return null;
    return {
      // The context this message brings is what replies will use once it is recorded.
      conversation: toConversation({ ...row, latest_payload: payload }),
      agentModeSeen: row.agent_mode_seen,
      olderPending: row.older_pending,
      messageId: String(row.next_id),
      at: row.at,
    };
  }

  /**
   * Records a user message relayed to the agent (or waiting, or failed) with its request context,
   * in one write: the transcript row under the id userMessageContext reserved, and on the session
   * the newest context (agent replies use its URLs), the activity time and the agent-mode flag.
   */
  async recordUserMessage(
    conversationId: string,
    payload: BotkitPayload,
    message: { id: string; externalId: string; text: string; createdAt: Date },
    outcome: { state: 'pending' | 'delivered' | 'failed'; attempts: number; error?: string },
  ): Promise<void> {
    await hotQuery(this.db,
      `WITH c AS (
         UPDATE conversations SET latest_request_id = $2, latest_payload = $3, last_activity_at = now(),
           agent_mode_seen = agent_mode_seen OR $4::boolean
         WHERE id = $1 RETURNING id
       )
       INSERT INTO transcript_messages (id, conversation_id, direction, author, text, external_id, created_at, sent_at,
         delivery_state, delivered_at, attempts, last_error)
       VALUES ($5, $1, 'to_agent', 'user', $6, $7, $8, $8, $9, CASE WHEN $9 = 'delivered' THEN now() END, $10, $11)
       ON CONFLICT (conversation_id, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING`,
      [conversationId, payload.requestId, payload, payload.agent_transfer === true, message.id, message.text, message.externalId,
        message.createdAt, outcome.state, outcome.attempts, outcome.error?.slice(0, 500) ?? null],
      'ab_record_user_message',
    );
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
