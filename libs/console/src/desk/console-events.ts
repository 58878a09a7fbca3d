import { type Conversation, type TranscriptMessage } from '@agent-bridge/desk-port';

export interface MessageView {
  conversationId: string;
  cursor: string;
  kind: 'user' | 'agent' | 'system' | 'note';
  authorName: string | null;
  text: string;
  at: string;
  clientId: string | null;
  deliveryState: 'pending' | 'delivered' | 'failed';
}

export interface ConversationView {
  id: string;
  botId: string;
  visitorKey: string;
  userName: string | null;
  state: Conversation['state'];
  agentId: string | null;
  agentName: string | null;
  historyUrl: string;
  trigger: Conversation['trigger'];
  openedAt: string;
  assignedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  /** The team whose queue it is in; null: the general queue. */
  teamId: string | null;
}

export interface QueueItem {
  conversationId: string;
  botId: string;
  visitorKey: string;
  userName: string | null;
  trigger: Conversation['trigger'];
  waitingSince: string;
  /** Its place in its own team's queue (or in the general queue). */
  position: number;
  teamId: string | null;
  teamName: string | null;
}

export interface ServerToClientEvents {
  session: (data: { agent: { id: string; name: string; email: string; role: string; maxChats: number }; status: string }) => void;
  queue: (data: { items: QueueItem[] }) => void;
  conversation: (data: ConversationView) => void;
  message: (data: MessageView) => void;
  typing: (data: { conversationId: string; typing: boolean }) => void;
  read: (data: { conversationId: string; cursor: string }) => void;
  /** `disposition`: what the closing agent recorded, when the close came from the console. */
  'conversation:closed': (data: { conversationId: string; reason: string; disposition?: string | null }) => void;
  agents: (data: { items: Array<{ id: string; name: string; status: string; activeChats: number; maxChats: number }> }) => void;
  /** The whole list again after an admin changed it. */
  canned: (data: { items: CannedResponseView[] }) => void;
  /** The active teams (for names and the transfer list) and the signed-in agent's own. */
  teams: (data: { items: Array<{ id: string; name: string }>; mine: string[] }) => void;
  /** The active dispositions in order, after an admin changed them. */
  dispositions: (data: { items: DispositionView[] }) => void;
}

export interface CannedResponseView {
  shortcut: string;
  title: string;
  text: string;
}

export interface DispositionView {
  code: string;
  label: string;
}

export const CONSOLE_NAMESPACE = '/console';
export const CONSOLE_PROVIDER = 'console';
export const agentRoom = (agentId: string): string => `agent:${agentId}`;
export const SUPERVISORS_ROOM = 'supervisors';
export const AGENTS_ROOM = 'agents';

export function messageView(message: TranscriptMessage): MessageView {
  const kind = message.author === 'note' ? 'note' : message.author;
  const external = message.externalId ?? '';
  return {
    conversationId: message.conversationId,
    cursor: message.id,
    kind,
    authorName: message.authorName,
    text: message.text,
    at: message.createdAt.toISOString(),
    clientId: external.startsWith('console:') ? external.slice('console:'.length) : null,
    deliveryState: message.deliveryState,
  };
}

export function conversationView(c: Conversation, historyUrl: string): ConversationView {
  return {
    id: c.id,
    botId: c.botId,
    visitorKey: c.visitorKey,
    userName: c.userName,
    state: c.state,
    agentId: c.agentId,
    agentName: c.agentName,
    historyUrl,
    trigger: c.trigger,
    openedAt: c.openedAt.toISOString(),
    assignedAt: c.assignedAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
    closeReason: c.closeReason,
    teamId: c.teamId,
  };
}
