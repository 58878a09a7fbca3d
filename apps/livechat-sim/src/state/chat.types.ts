/** In-memory model. Events are kept in their agent-side form (`visibility`, microsecond `created_at`). */
export type ChatKind = 'v3' | 'v2';

export interface SimEvent {
  id: string;
  created_at: string;
  type: string;
  /** Absent on system messages. */
  author_id?: string;
  visibility: 'all' | 'agents';
  custom_id?: string;
  text?: string;
  [field: string]: unknown;
}

export type Properties = Record<string, Record<string, unknown>>;

export interface SimThread {
  id: string;
  createdAt: string;
  active: boolean;
  events: SimEvent[];
  properties: Properties;
  /** Everyone who took part in the thread, in order of arrival. */
  userIds: string[];
  previousThreadId?: string;
  nextThreadId?: string;
  nextEventNo: number;
}

export interface SimChat {
  id: string;
  kind: ChatKind;
  customerId: string;
  properties: Properties;
  access: { group_ids: number[] };
  threads: SimThread[];
  /** What the customer side sent, in order (including events on closed threads). */
  customerEvents: SimEvent[];
  /** Agents currently present in the chat, in order of joining. */
  agentIds: string[];
  /** Agents who wrote without joining: listed as users with `present:false`. */
  absentAgentIds: string[];
  continuous: boolean;
  createdAt: string;
  /** Last message from either side, for the router's inactivity timer. */
  lastActivityAt: number;
  idleNotified: boolean;
  /** v2 only: the visitor id chosen by the caller. */
  visitorId?: string;
}

export interface SimCustomer {
  id: string;
  clientId: string;
  name?: string;
  email?: string;
  avatar?: string;
  sessionFields: Array<Record<string, string>>;
  createdAt: string;
}

export interface SimAgent {
  id: string;
  name: string;
  online: boolean;
  jobTitle?: string;
  avatar?: string;
}

/** Who caused a change, for the `source_type` webhook filter. */
export type ActionSource = { kind: 'client'; clientId: string } | { kind: 'system' };

/** Client id the simulated LiveChat agent app acts under: never ours, so it counts as `other_clients`. */
export const AGENT_APP_CLIENT_ID = 'livechat-agent-app';
export const AGENT_APP_SOURCE: ActionSource = { kind: 'client', clientId: AGENT_APP_CLIENT_ID };
export const SYSTEM_SOURCE: ActionSource = { kind: 'system' };

export function lastThread(chat: SimChat): SimThread {
  return chat.threads[chat.threads.length - 1]!;
}

export function isActive(chat: SimChat): boolean {
  return lastThread(chat).active;
}
