/** The sandbox's records: the columns of Chatwoot's tables that its API and webhooks show. */
export type Attributes = Record<string, unknown>;

export interface SimAccount {
  id: number;
  name: string;
}

export interface SimInbox {
  id: number;
  accountId: number;
  channelId: number;
  name: string;
  /** Only API inboxes are simulated (incoming messages are allowed only there). */
  channelType: 'Channel::Api';
  enableAutoAssignment: boolean;
  memberIds: number[];
}

export type Availability = 'online' | 'busy' | 'offline';

export interface SimUser {
  id: number;
  name: string;
  email: string;
  role: 'administrator' | 'agent';
  availability: Availability;
  accessToken: string;
  accountIds: number[];
}

export interface SimTeam {
  id: number;
  accountId: number;
  name: string;
  description: string;
  allowAutoAssign: boolean;
  memberIds: number[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SimContact {
  id: number;
  accountId: number;
  name: string;
  email: string | null;
  phoneNumber: string | null;
  identifier: string | null;
  blocked: boolean;
  additionalAttributes: Attributes;
  customAttributes: Attributes;
  lastActivityAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SimContactInbox {
  id: number;
  contactId: number;
  inboxId: number;
  sourceId: string;
  hmacVerified: boolean;
  pubsubToken: string;
  createdAt: Date;
  updatedAt: Date;
}

export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['open', 'resolved', 'pending', 'snoozed'];

export interface SimConversation {
  id: number;
  /** What every path, answer and webhook calls `id`. */
  displayId: number;
  uuid: string;
  accountId: number;
  inboxId: number;
  contactId: number;
  contactInboxId: number;
  status: ConversationStatus;
  assigneeId: number | null;
  teamId: number | null;
  additionalAttributes: Attributes;
  customAttributes: Attributes;
  snoozedUntil: Date | null;
  waitingSince: Date | null;
  firstReplyCreatedAt: Date | null;
  agentLastSeenAt: Date | null;
  assigneeLastSeenAt: Date | null;
  contactLastSeenAt: Date | null;
  lastActivityAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Chatwoot's enum order: the integer is what API answers carry. */
export const MESSAGE_TYPES = ['incoming', 'outgoing', 'activity', 'template'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const CONTENT_TYPES = [
  'text', 'input_text', 'input_textarea', 'input_email', 'input_select', 'cards', 'form', 'article', 'incoming_email', 'input_csat', 'integrations', 'sticker',
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export type SenderRef = { type: 'User'; id: number } | { type: 'Contact'; id: number } | null;

export interface SimMessage {
  id: number;
  accountId: number;
  inboxId: number;
  /** The conversation's internal id (not its display id). */
  conversationId: number;
  content: string | null;
  messageType: MessageType;
  contentType: ContentType;
  contentAttributes: Attributes;
  additionalAttributes: Attributes;
  private: boolean;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  sourceId: string | null;
  sender: SenderRef;
  createdAt: Date;
  updatedAt: Date;
}
