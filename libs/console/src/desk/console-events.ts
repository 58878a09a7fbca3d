import { type Conversation, type TranscriptMessage } from '@agent-bridge/desk-port';

export interface MessageView {
  conversationId: string;
  cursor: string;
  /** `whisper`: a supervisor's note to the chat's agent (an internal row, never sent to the user). */
  kind: 'user' | 'agent' | 'system' | 'note' | 'whisper';
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
  /** The whole board again after a change; only to supervisors' and admins' sockets that asked (board:watch). */
  board: (data: BoardView) => void;
  /**
   * The offline messages changed (one left, one marked handled): to the team's agents and to
   * supervisors and admins. Pages fetch the list again (GET /console/api/offline).
   */
  offline: (data: { id: string; teamId: string | null; handled: boolean }) => void;
}

export interface BoardConversation {
  id: string;
  botId: string;
  visitorKey: string;
  userName: string | null;
  state: 'queued' | 'assigned';
  trigger: Conversation['trigger'];
  /** When the hand-off opened: a waiting chat's wait is counted from here. */
  openedAt: string;
  assignedAt: string | null;
  agentId: string | null;
  agentName: string | null;
  /** The last message either way (or the hand-off). */
  lastActivityAt: string;
  /** Null: the general queue. */
  teamId: string | null;
  teamName: string | null;
}

export interface BoardAgent {
  id: string;
  name: string;
  role: string;
  status: 'available' | 'away' | 'offline';
  activeChats: number;
  maxChats: number;
}

export interface BoardView {
  at: string;
  conversations: BoardConversation[];
  agents: BoardAgent[];
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
/** Sockets of supervisors and admins that have the board open. */
export const BOARD_ROOM = 'board';
/** The console's external ids of whispers: internal rows like notes, told apart by this prefix. */
export const WHISPER_PREFIX = 'whisper:';

export function messageView(message: TranscriptMessage): MessageView {
  const external = message.externalId ?? '';
  const kind = message.author === 'note' && external.startsWith(WHISPER_PREFIX) ? 'whisper' : message.author;
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
