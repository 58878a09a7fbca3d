import { SetMetadata } from '@nestjs/common';

/**
 * The boundary between the hand-off engine and a live-chat desk (LiveChat, the built-in console,
 * the loopback test desk). Each adapter lives in its own folder and maps its wire format and
 * errors to these types; nothing outside the folder knows a provider's API.
 */
export interface OpenChatRequest {
  conversationId: string;
  botId: string;
  visitorKey: string;
  user: { id: string; name: string | null; email: string | null };
  /** The user's last messages with the bot, oldest first. */
  recentMessages: Array<{ from: 'user' | 'bot'; text: string; at: string | null }>;
  /** A signed, expiring link to the user's whole history with the bot. */
  historyUrl: string;
  trigger: 'agent_transfer' | 'tone' | 'keyword';
}

export interface OpenedChat {
  /** The provider's id for the chat; provider callbacks name it. */
  ref: string;
  /** Already with an agent (some desks assign at once), else waiting in the provider's queue. */
  agent?: { id: string; name: string };
}

export interface ProviderChat {
  conversationId: string;
  ref: string;
  botId: string;
  visitorKey: string;
  /** The agent the session is assigned to, as of when the session was read (desks that route themselves ignore it). */
  agentId?: string | null;
}

/** A user's message for the desk; `cursor` is its transcript id, `at` when it was stored. */
export interface UserMessageForDesk {
  messageId: string;
  text: string;
  cursor?: string;
  at?: Date;
  /** The send runs again after a crash: a desk that can look for `messageId` drops it when it arrived already. */
  again?: boolean;
}

export type UserActivity = { type: 'typing_started' } | { type: 'typing_stopped' } | { type: 'read'; messageId?: string };

export enum ProviderErrorCode {
  /** The desk has nobody to take the chat (LiveChat groups_offline…). */
  NoAgents = 'NO_AGENTS',
  /** The chat is already closed on the desk's side. */
  ChatClosed = 'CHAT_CLOSED',
  /** Worth retrying later: rate limits, timeouts, 5xx. */
  Unavailable = 'UNAVAILABLE',
  /** Will not work by retrying: bad credentials, validation. */
  Rejected = 'REJECTED',
}

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  get retryable(): boolean {
    return this.code === ProviderErrorCode.Unavailable;
  }
}

export interface HandoffProvider {
  /** The HANDOFF_PROVIDER value that selects it. */
  readonly name: string;
  openChat(request: OpenChatRequest): Promise<OpenedChat>;
  /**
   * Delivers one user message; `messageId` is stable across retries so the desk can drop repeats,
   * `cursor` is its transcript id.
   */
  sendUserMessage(chat: ProviderChat, message: UserMessageForDesk): Promise<void>;
  /** Optional: a message to the user was delivered or given up (the console shows its state). */
  userMessageSettled?(chat: ProviderChat, cursor: string): Promise<void>;
  /** Typing and read receipts from `on_client_event`; desks without them ignore it. */
  sendUserActivity(chat: ProviderChat, activity: UserActivity): Promise<void>;
  /** Tells the agent something about the conversation (a delivery failure, the user leaving). */
  sendSystemNotice(chat: ProviderChat, text: string): Promise<void>;
  /** Closes the desk's chat when the bot side ended the session. Closing a closed chat is not an error. */
  closeChat(chat: ProviderChat, reason: string): Promise<void>;
}

/** The registry token: the engine finds every provider marked @Desk() at boot (DeskRegistry). */
export const HANDOFF_PROVIDERS = Symbol('HANDOFF_PROVIDERS');

/** Marks a desk's adapter; its module only has to be imported (see libs/providers/desks.module.ts). */
export const Desk = (): ClassDecorator => SetMetadata(HANDOFF_PROVIDERS, true);
