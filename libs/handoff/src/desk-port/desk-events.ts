import type { CloseReason, Conversation, TranscriptMessage } from './desk-session';

export interface AgentMessage {
  /** The desk's id of the message, stable across its webhook's retries. */
  id: string;
  text: string;
  agentName?: string | null;
  sentAt?: string | null;
}

/**
 * What a desk tells the engine about its chats, after checking the desk's own authentication. Each
 * call is durable (a row or a job) before it returns, so the desk can acknowledge its webhook then.
 * `desk` is the adapter's name, `ref` its id of the chat.
 */
export abstract class DeskEvents {
  /** An agent took the chat; false when the session is unknown or closed. */
  abstract agentJoined(desk: string, ref: string, agent: { id: string; name: string }): Promise<boolean>;

  /**
   * An agent's message, stored even after the close (a desk may send the close first) and delivered
   * before the closing notice. Null when it was stored before (a redelivery) or the chat is unknown.
   */
  abstract agentMessage(desk: string, ref: string, message: AgentMessage): Promise<TranscriptMessage | null>;

  /**
   * agentMessage for a desk that handles each chat's events in order (its lane): the lookup, the
   * own-echo check (`own.stateKey`: the chat-state key holding our own author id on the desk) and the
   * store are one statement, and the message goes to the user at once when nothing older waits.
   */
  abstract agentMessageInOrder(
    desk: string,
    ref: string,
    message: AgentMessage,
    own: { stateKey: string; authorId: string | null },
  ): Promise<'not our chat' | 'own event' | 'duplicate' | 'relayed'>;

  /** Messages a catch-up found (oldest first): those not stored yet are relayed in order. Returns how many. */
  abstract missedAgentMessages(
    desk: string,
    conversationId: string,
    ref: string,
    messages: Array<AgentMessage & { authorId: string | null }>,
    ownStateKey: string,
  ): Promise<number>;

  /** The desk closed the chat (its agent or its router); false when it was closed already. */
  abstract chatClosed(desk: string, ref: string, by: string, reason?: CloseReason): Promise<boolean>;

  /** An agent's message the desk gave up on: both sides are told it was not delivered. */
  abstract agentMessageLost(conversation: Conversation): Promise<void>;

  /** Assigns (or moves) the session to an agent; null when it ended meanwhile (or was no longer queued, with onlyIfQueued). */
  abstract assign(conversation: Conversation, agent: { id: string; name: string }, actor: string, onlyIfQueued?: boolean): Promise<Conversation | null>;

  /** Puts an assigned session back in the desk's queue (its agent went away). */
  abstract requeue(conversation: Conversation, actor: string): Promise<Conversation | null>;

  /** Ends the session from the desk's side, with the agent's disposition when there is one. */
  abstract end(conversationId: string, reason: CloseReason, actor: string, disposition?: string | null): Promise<boolean>;

  /** A line agents see and the user does not (a system notice, an agent's note); null when `externalId` was stored before. */
  abstract internalNote(
    conversationId: string,
    note: { author: 'system' | 'note'; authorName?: string | null; text: string; externalId?: string | null },
  ): Promise<TranscriptMessage | null>;

  /** Tells the user something on the desk's behalf (their place in the queue), through the ordered outbox. */
  abstract tellUser(conversation: Conversation, text: string, externalId: string): Promise<void>;
}
