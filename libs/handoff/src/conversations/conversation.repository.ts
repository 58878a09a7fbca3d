import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { hotQuery } from '@agent-bridge/persistence';
import type { BotkitPayload } from '@agent-bridge/botkit';
import { TranscriptRepository } from '../relay/transcript.repository';
import type { HandoffDetail } from '../desk-port/desk-session';
import type { CloseReason, Conversation, ConversationState, HandoffTrigger } from './conversation.types';
import { COLUMNS, toConversation, type Row } from './conversation.row';
import type { SessionSummary } from '../desk-port/desk-sessions';

/** What the timers of an open session derive from (TimerReconcilerService). */
export interface TimerBasis {
  id: string;
  state: 'queued' | 'assigned';
  openedAt: Date;
  lastActivityAt: Date;
  /** When it last entered the queue (its first hand-off or a re-queue); null once assigned. */
  queuedAt: Date | null;
}

/** A keyset cursor over open sessions of one state, in (opened_at, id) order; opened_at as text, to keep its microseconds. */
export interface OpenCursor {
  openedAt: string;
  id: string;
}

/** How many open sessions one desk has in one state. */
export interface OpenSessionCount {
  provider: string;
  state: Exclude<ConversationState, 'closed'>;
  count: number;
}

/** The sessions waiting for an agent now, and how long ago the oldest of them opened. */
export interface QueueWait {
  count: number;
  longestSeconds: number;
}

/** A text queued for the user with a close; `csat`: the rating question. */
export interface ClosingNotice {
  text: string;
  externalId: string;
  csat?: boolean;
}

export interface OpenConversation {
  botId: string;
  visitorKey: string;
  trigger: HandoffTrigger;
  provider: string;
  userName: string | null;
  payload: BotkitPayload;
  actor: string;
  teamId: string | null;
  handoffDetail: HandoffDetail | null;
}

/**
 * The visitor-session map, in plain SQL: the hot path (one lookup per event, one update per
 * message) costs a round trip each instead of TypeORM save()'s four. Every state change writes its
 * transition row in the same statement.
 */
@Injectable()
export class ConversationRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly transcript: TranscriptRepository,
  ) {}

  async findActive(botId: string, visitorKey: string): Promise<Conversation | null> {
    const rows: Row[] = await hotQuery(this.db,
      `SELECT ${COLUMNS} FROM conversations WHERE bot_id = $1 AND visitor_key = $2 AND state <> 'closed'`,
      [botId, visitorKey],
      'ab_conversation_active',
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  async listActive(provider: string): Promise<Conversation[]> {
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM conversations WHERE provider = $1 AND state <> 'closed'`, [provider]);
    return rows.map(toConversation);
  }

  /**
   * One page of the open sessions in `state`, after `cursor`: the partial index on (state,
   * opened_at) keeps each page an index range however many sessions were ever closed.
   */
  async openPage(state: 'queued' | 'assigned', cursor: OpenCursor | null, limit: number): Promise<{ rows: TimerBasis[]; next: OpenCursor | null }> {
    const rows: Array<{ id: string; opened_at: Date; opened_key: string; last_activity_at: Date; queued_at: Date | null }> = await this.db.query(
      `SELECT c.id, c.opened_at, c.opened_at::text AS opened_key, c.last_activity_at,
         CASE WHEN c.state = 'queued' THEN (SELECT max(t.at) FROM conversation_transitions t
           WHERE t.conversation_id = c.id AND t.to_state = 'queued') END AS queued_at
       FROM conversations c
       WHERE c.state = $1 AND (c.opened_at, c.id) > ($2::timestamptz, $3::uuid)
       ORDER BY c.opened_at, c.id LIMIT $4`,
      // A plain row comparison (no "cursor IS NULL OR"), so that every page is an index range.
      [state, cursor?.openedAt ?? '-infinity', cursor?.id ?? '00000000-0000-0000-0000-000000000000', limit],
    );
    const last = rows[rows.length - 1];
    return {
      rows: rows.map((r) => ({ id: r.id, state, openedAt: r.opened_at, lastActivityAt: r.last_activity_at, queuedAt: r.queued_at ?? (state === 'queued' ? r.opened_at : null) })),
      next: last && rows.length === limit ? { openedAt: last.opened_key, id: last.id } : null,
    };
  }

  async findById(id: string): Promise<Conversation | null> {
    const rows: Row[] = await hotQuery(this.db, `SELECT ${COLUMNS} FROM conversations WHERE id = $1`, [id], 'ab_conversation_by_id');
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

  /** Opens a queued session; null when the visitor already has an active one (another instance won). */
  async open(input: OpenConversation): Promise<Conversation | null> {
    const rows: Row[] = await this.db.query(
      `WITH opened AS (
         INSERT INTO conversations (bot_id, visitor_key, state, trigger, provider, user_name, latest_request_id, latest_payload, team_id, handoff_detail)
         VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $9, $10)
         ON CONFLICT (bot_id, visitor_key) WHERE state <> 'closed' DO NOTHING
         RETURNING ${COLUMNS}
       ), logged AS (
         INSERT INTO conversation_transitions (conversation_id, from_state, to_state, reason, actor)
         SELECT id, 'bot', 'queued', trigger, $8 FROM opened
       )
       SELECT * FROM opened`,
      [input.botId, input.visitorKey, input.trigger, input.provider, input.userName, input.payload.requestId, input.payload, input.actor, input.teamId, input.handoffDetail],
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
  close(
    id: string,
    reason: CloseReason,
    actor: string,
    notices?: (closed: Conversation) => ClosingNotice[],
  ): Promise<{ conversation: Conversation; from: ConversationState } | null> {
    return this.transition(id, 'closed', reason, actor, ['queued', 'assigned'],
      `UPDATE conversations SET state = 'closed', closed_at = now(), close_reason = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
      [reason],
      // The user's closing notices are queued in the same commit: a drain that sees the session closed
      // also sees them, so the platform session is not cleared before they are out. The rating
      // question is asked only by the close that wins, so once per session.
      notices && (async (manager, closed) => {
        for (const { text, externalId, csat } of notices(closed)) {
          await this.transcript.queueNotice(manager, id, text, externalId);
          if (csat) await manager.query(`UPDATE conversations SET csat_requested_at = now() WHERE id = $1 AND csat_requested_at IS NULL`, [id]);
        }
      }));
  }

  /** The first rating of a session whose question was asked; false for any later one. */
  async recordCsat(id: string, score: number): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH rated AS (UPDATE conversations SET csat_score = $2, csat_at = now()
         WHERE id = $1 AND csat_requested_at IS NOT NULL AND csat_score IS NULL RETURNING id)
       SELECT id FROM rated`,
      [id, score],
    );
    return rows.length > 0;
  }

  /** assigned -> queued: the agent left (disconnected past the grace period); the chat waits again. */
  async requeue(id: string, actor: string, reason: string): Promise<Conversation | null> {
    const result = await this.transition(id, 'queued', reason, actor, ['assigned'],
      `UPDATE conversations SET state = 'queued', agent_id = NULL, agent_name = NULL WHERE id = $1 RETURNING ${COLUMNS}`, []);
    return result?.conversation ?? null;
  }

  /**
   * Into another team's queue: overflow (queued -> queued) or a transfer to a team (assigned ->
   * queued, the agent let go). `fromTeamId`: only if the chat is still in that team (an overflow job
   * that runs twice moves it once).
   */
  async changeTeam(id: string, teamId: string, actor: string, reason: string, fromTeamId?: string | null): Promise<{ conversation: Conversation; from: ConversationState } | null> {
    const guard = fromTeamId === undefined ? '' : ' AND team_id IS NOT DISTINCT FROM $3';
    return this.transition(id, 'queued', reason, actor, ['queued', 'assigned'],
      `UPDATE conversations SET state = 'queued', team_id = $2, agent_id = NULL, agent_name = NULL WHERE id = $1${guard} RETURNING ${COLUMNS}`,
      fromTeamId === undefined ? [teamId] : [teamId, fromTeamId]);
  }

  async setDisposition(id: string, disposition: string | null): Promise<void> {
    await this.db.query(`UPDATE conversations SET disposition = $2 WHERE id = $1`, [id, disposition]);
  }

  async queued(provider: string): Promise<Conversation[]> {
    const rows: Row[] = await this.db.query(
      // Not those waiting for a message left for a closed team: no agent takes them.
      `SELECT ${COLUMNS} FROM conversations WHERE provider = $1 AND state = 'queued' AND offline_at IS NULL ORDER BY opened_at, id`,
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

  /** Assigned sessions per agent on a desk (the console's load). */
  async loadByAgent(provider: string): Promise<Map<string, number>> {
    const rows: Array<{ agent_id: string; n: number }> = await this.db.query(
      `SELECT agent_id, count(*)::int AS n FROM conversations WHERE provider = $1 AND state = 'assigned' GROUP BY agent_id`,
      [provider],
    );
    return new Map(rows.map((r) => [r.agent_id, r.n]));
  }

  /** Average wait of the last sessions an agent took, for the user's estimated wait. */
  async averageWaitSeconds(provider: string, sample = 50, teamId?: string | null): Promise<number | null> {
    // undefined: every queue; null: the general queue; else one team's.
    const team = teamId === undefined ? '' : ' AND team_id IS NOT DISTINCT FROM $3';
    const rows: Array<{ s: number | null }> = await this.db.query(
      `SELECT avg(extract(epoch FROM assigned_at - opened_at))::float AS s FROM (
         SELECT assigned_at, opened_at FROM conversations WHERE provider = $1 AND assigned_at IS NOT NULL${team} ORDER BY assigned_at DESC LIMIT $2) t`,
      teamId === undefined ? [provider, sample] : [provider, sample, teamId],
    );
    return rows[0]?.s ?? null;
  }

  /**
   * One transition in one transaction: lock the active row (a racing caller waits, then finds it
   * closed and gets null), change it, and record who, when and why.
   */
  private transition(
    id: string,
    to: ConversationState,
    reason: string,
    actor: string,
    from: ConversationState[],
    update: string,
    params: unknown[],
    alsoInTransaction?: (manager: EntityManager, changed: Conversation) => Promise<unknown>,
  ): Promise<{ conversation: Conversation; from: ConversationState } | null> {
    return this.db.transaction(async (manager) => {
      const [current]: Array<{ state: ConversationState }> = await manager.query(
        `SELECT state FROM conversations WHERE id = $1 AND state = ANY($2) FOR UPDATE`,
        [id, from],
      );
      if (!current) return null;
      // In a CTE: TypeORM answers a bare UPDATE with [rows, count] but a SELECT with rows.
      const [row]: Row[] = await manager.query(`WITH changed AS (${update}) SELECT * FROM changed`, [id, ...params]);
      // An update with a condition of its own (changeTeam's team) may change nothing.
      if (!row) return null;
      await manager.query(
        `INSERT INTO conversation_transitions (conversation_id, from_state, to_state, reason, actor) VALUES ($1, $2, $3, $4, $5)`,
        [id, current.state, to, reason, actor],
      );
      const conversation = toConversation(row);
      if (alsoInTransaction) await alsoInTransaction(manager, conversation);
      return { conversation, from: current.state };
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

  /** The agent wrote: the first time, that is the first response (the same update, no extra statement). */
  async touchByAgent(id: string): Promise<void> {
    await this.db.query(
      `UPDATE conversations SET last_activity_at = now(), first_response_at = COALESCE(first_response_at, now()) WHERE id = $1`,
      [id],
    );
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

  /** Open sessions per desk and state, for the ops page and the sessions gauge. */
  async openSessionCounts(): Promise<OpenSessionCount[]> {
    return this.db.query(
      `SELECT provider, state, count(*)::int AS count FROM conversations WHERE state <> 'closed' GROUP BY provider, state ORDER BY provider, state`,
    );
  }

  /** The queue now: how many sessions wait for an agent, and how long ago (seconds) the oldest of them opened. */
  async queueWait(): Promise<QueueWait> {
    const [row]: Array<{ count: number; longest: number }> = await this.db.query(
      `SELECT count(*)::int AS count, COALESCE(extract(epoch FROM now() - min(opened_at)), 0)::float AS longest FROM conversations WHERE state = 'queued'`,
    );
    return { count: row?.count ?? 0, longestSeconds: Number(row?.longest ?? 0) };
  }

  async transitions(id: string): Promise<Array<{ from: string | null; to: string; reason: string | null; actor: string; at: Date }>> {
    return this.db.query(
      `SELECT from_state AS "from", to_state AS "to", reason, actor, at FROM conversation_transitions WHERE conversation_id = $1 ORDER BY id`,
      [id],
    );
  }

  async summary(id: string): Promise<SessionSummary | null> {
    const rows: SummaryRow[] = await this.db.query(`SELECT ${SUMMARY_COLUMNS} FROM conversations WHERE id = $1`, [id]);
    return rows[0] ? toSummary(rows[0]) : null;
  }

  /** Newest first, from the (bot_id, visitor_key, opened_at DESC) index. */
  async visitorSessions(botId: string, visitorKey: string, limit: number): Promise<SessionSummary[]> {
    const rows: SummaryRow[] = await this.db.query(
      `SELECT ${SUMMARY_COLUMNS} FROM conversations WHERE bot_id = $1 AND visitor_key = $2 ORDER BY opened_at DESC LIMIT $3`,
      [botId, visitorKey, limit],
    );
    return rows.map(toSummary);
  }

  /** What agents and the bridge itself said to the visitor since `since`, oldest first: the history page names who wrote each line. */
  async relayedToUser(botId: string, visitorKey: string, since: Date, limit: number): Promise<RelayedLine[]> {
    const rows: Array<{ author: 'agent' | 'system'; author_name: string | null; text: string; created_at: Date }> = await this.db.query(
      `SELECT t.author, t.author_name, t.text, t.created_at
       FROM conversations c JOIN transcript_messages t ON t.conversation_id = c.id
       WHERE c.bot_id = $1 AND c.visitor_key = $2 AND t.direction = 'to_user' AND t.delivery_state = 'delivered' AND t.created_at >= $3
       ORDER BY t.created_at, t.id LIMIT $4`,
      [botId, visitorKey, since, limit],
    );
    return rows.map((r) => ({ author: r.author, authorName: r.author_name, text: r.text, createdAt: r.created_at }));
  }
}

export interface RelayedLine {
  author: 'agent' | 'system';
  authorName: string | null;
  text: string;
  createdAt: Date;
}

const SUMMARY_COLUMNS = 'id, bot_id, visitor_key, provider, state, trigger, agent_name, opened_at, closed_at, close_reason, disposition';

interface SummaryRow {
  id: string;
  bot_id: string;
  visitor_key: string;
  provider: string;
  state: ConversationState;
  trigger: HandoffTrigger;
  agent_name: string | null;
  opened_at: Date;
  closed_at: Date | null;
  close_reason: CloseReason | null;
  disposition: string | null;
}

const toSummary = (r: SummaryRow): SessionSummary => ({
  id: r.id,
  botId: r.bot_id,
  visitorKey: r.visitor_key,
  provider: r.provider,
  state: r.state,
  trigger: r.trigger,
  agentName: r.agent_name,
  openedAt: r.opened_at,
  closedAt: r.closed_at,
  closeReason: r.close_reason,
  disposition: r.disposition,
});
