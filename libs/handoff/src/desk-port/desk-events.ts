import type { CloseReason, Conversation, TranscriptMessage } from './desk-session';

export interface AgentMessage {
  /** The desk's id of the message, stable across its webhook's retries. */
  id: string;
  text: string;
  agentName?: string | null;
  sentAt?: string | null;
}

/**
 * Each call is durable (a row or a job) before it returns, so the desk can acknowledge its webhook
 * then. `desk` is the adapter's name, `ref` its id of the chat.
 */
export abstract class DeskEvents {
  /**
   * An agent took the chat, or it was transferred to another agent (the session moves to them).
   * False when the session is unknown or closed. Agents' typing has no counterpart on the platform
   * (BotKit has no typing callback), so the port has no call for it. `at` is when the agent joined by
   * the desk's clock: a join implied by the agent's first reply passes that reply's time, so the
   * user gets the join notice before the reply.
   */
  abstract agentJoined(desk: string, ref: string, agent: { id: string; name: string }, at?: string | null): Promise<boolean>;

  /**
   * Stored even after the close (a desk may send the close first) and delivered before the closing
   * notice. Null when it was stored before (a redelivery) or the chat is unknown.
   */
  abstract agentMessage(desk: string, ref: string, message: AgentMessage): Promise<TranscriptMessage | null>;

  /**
   * For a desk that handles each chat's events in order (its lane): lookup, echo check and store in one
   * statement. `own.stateKey`: the chat-state key holding our own author id on the desk.
   */
  abstract agentMessageInOrder(
    desk: string,
    ref: string,
    message: AgentMessage,
    own: { stateKey: string; authorId: string | null },
  ): Promise<'not our chat' | 'own event' | 'duplicate' | 'relayed'>;

  /** `messages` oldest first: those not stored yet are relayed in order. Returns how many. */
  abstract missedAgentMessages(
    desk: string,
    conversationId: string,
    ref: string,
    messages: Array<AgentMessage & { authorId: string | null }>,
    ownStateKey: string,
  ): Promise<number>;

  /** False when it was closed already. */
  abstract chatClosed(desk: string, ref: string, by: string, reason?: CloseReason): Promise<boolean>;

  /** Both sides are told that the agent's message was not delivered. */
  abstract agentMessageLost(conversation: Conversation): Promise<void>;

  /** Null when the session ended meanwhile (or was no longer queued, with onlyIfQueued). */
  abstract assign(conversation: Conversation, agent: { id: string; name: string }, actor: string, onlyIfQueued?: boolean): Promise<Conversation | null>;

  abstract requeue(conversation: Conversation, actor: string): Promise<Conversation | null>;

  abstract end(conversationId: string, reason: CloseReason, actor: string, disposition?: string | null): Promise<boolean>;

  /** Agents see it, the user does not; null when `externalId` was stored before. */
  abstract internalNote(
    conversationId: string,
    note: { author: 'system' | 'note'; authorName?: string | null; text: string; externalId?: string | null },
  ): Promise<TranscriptMessage | null>;

  /** Through the ordered outbox, after what waits there. */
  abstract tellUser(conversation: Conversation, text: string, externalId: string): Promise<void>;
}
