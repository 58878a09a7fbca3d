import { SetMetadata } from '@nestjs/common';

/** Each adapter maps its desk's wire format and errors to these types; nothing outside its folder knows the desk's API. */
export interface OpenChatRequest {
  conversationId: string;
  botId: string;
  visitorKey: string;
  user: { id: string; name: string | null; email: string | null };
  /** Oldest first. */
  recentMessages: Array<{ from: 'user' | 'bot'; text: string; at: string | null }>;
  /** A signed, expiring link to the user's whole history with the bot. */
  historyUrl: string;
  trigger: 'agent_transfer' | 'tone' | 'keyword';
  /** The team routing chose; `deskGroup` is this desk's own group id for it. Null: the general queue. */
  team: { id: string; name: string; deskGroup: string | null } | null;
}

export interface OpenedChat {
  /** The desk's id for the chat, which its callbacks name. */
  ref: string;
  /** Set when the desk assigned an agent at once; else the chat waits in the desk's queue. */
  agent?: { id: string; name: string };
}

export interface ProviderChat {
  conversationId: string;
  ref: string;
  botId: string;
  visitorKey: string;
  /** As of when the session was read; desks that route themselves ignore it. */
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
  /** LiveChat's groups_offline, for example. */
  NoAgents = 'NO_AGENTS',
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
  /** `messageId` is stable across retries, so the desk can drop repeats. */
  sendUserMessage(chat: ProviderChat, message: UserMessageForDesk): Promise<void>;
  /** A message to the user was delivered or given up (the console shows its state). */
  userMessageSettled?(chat: ProviderChat, cursor: string): Promise<void>;
  /** Desks without typing or read receipts ignore it. */
  sendUserActivity(chat: ProviderChat, activity: UserActivity): Promise<void>;
  sendSystemNotice(chat: ProviderChat, text: string): Promise<void>;
  /** Closing a closed chat is not an error. */
  closeChat(chat: ProviderChat, reason: string): Promise<void>;
  /** The chat moved to another team's queue (overflow, a transfer to a team); desks without teams ignore it. */
  teamChanged?(chat: ProviderChat, team: OpenChatRequest['team']): Promise<void>;
}

export const HANDOFF_PROVIDERS = Symbol('HANDOFF_PROVIDERS');

/** The engine finds adapters marked so at boot: their module only has to be imported (libs/providers/desks.module.ts). */
export const Desk = (): ClassDecorator => SetMetadata(HANDOFF_PROVIDERS, true);
