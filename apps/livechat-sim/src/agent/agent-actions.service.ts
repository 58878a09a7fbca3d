import { ApiError } from '../common/api-error';
import type { AgentRegistry } from '../state/agent.registry';
import type { ChatCloser } from '../state/chat-closer.service';
import type { ChatHub } from '../state/chat.hub';
import type { ChatStore } from '../state/chat.store';
import type { ActionSource, SimAgent, SimChat, SimEvent, SimThread } from '../state/chat.types';
import { AGENT_APP_SOURCE, lastThread, SYSTEM_SOURCE } from '../state/chat.types';
import { minutes, systemMessage } from './system-message.factory';

export interface FileOptions {
  agentId?: string;
  contentType?: string;
  size?: number;
}

/** For v3 and v2 chats alike: the hub decides how each change is announced. Throws `ApiError` on misuse. */
export class AgentActionsService {
  constructor(
    private readonly store: ChatStore,
    private readonly agents: AgentRegistry,
    private readonly hub: ChatHub,
    private readonly closer: ChatCloser,
    private readonly inactivitySeconds: () => number,
    private readonly groupIds: () => number[] = () => [0],
  ) {}

  /** Returns the system message, or undefined when the agent was already in the chat. */
  join(chatId: string, agentId?: string): SimEvent | undefined {
    const { chat, thread } = this.activeChat(chatId);
    const agent = agentId ? this.agent(agentId) : (this.agents.firstOnline() ?? this.anyAgent());
    if (chat.agentIds.includes(agent.id)) return undefined;
    const first = chat.agentIds.length === 0;
    this.admit(chat, thread, agent);
    this.hub.agentAdded(chat, thread, agent, agent.id, AGENT_APP_SOURCE);
    return this.post(chat, thread, systemMessage(first ? 'routing.assigned' : 'agent_joined', { agent: agent.name }), AGENT_APP_SOURCE);
  }

  say(chatId: string, text: string, agentId?: string): SimEvent {
    if (typeof text !== 'string' || text.length === 0) throw new ApiError('validation', '`text` is required');
    const { chat, thread } = this.activeChat(chatId);
    const agent = this.author(chat, agentId);
    return this.post(chat, thread, { type: 'message', author_id: agent.id, text, visibility: 'all' }, AGENT_APP_SOURCE);
  }

  sendFile(chatId: string, url: string, name: string, options: FileOptions = {}): SimEvent {
    if (!url || !name) throw new ApiError('validation', '`url` and `name` are required');
    const { chat, thread } = this.activeChat(chatId);
    const agent = this.author(chat, options.agentId);
    const event: Omit<SimEvent, 'id' | 'created_at'> = {
      type: 'file',
      author_id: agent.id,
      name,
      url,
      content_type: options.contentType ?? 'application/octet-stream',
      size: options.size ?? 0,
      visibility: 'all',
    };
    return this.post(chat, thread, event, AGENT_APP_SOURCE);
  }

  /** Any other agent event (`rich_message`, `custom`…), given in its documented shape without id/author. */
  sendEvent(chatId: string, fields: Record<string, unknown>, agentId?: string): SimEvent {
    if (typeof fields.type !== 'string') throw new ApiError('validation', '`type` is required');
    const { chat, thread } = this.activeChat(chatId);
    const agent = this.author(chat, agentId);
    return this.post(chat, thread, { visibility: 'all', ...fields, type: fields.type, author_id: agent.id }, AGENT_APP_SOURCE);
  }

  transfer(chatId: string, toAgentId: string, requesterId?: string): SimEvent {
    const { chat, thread } = this.activeChat(chatId);
    const target = this.agent(toAgentId);
    const requester = requesterId ? this.agent(requesterId) : chat.agentIds[0] ? this.agent(chat.agentIds[0]) : target;
    this.hub.transferred(chat, thread, requester.id, [target.id], AGENT_APP_SOURCE);
    for (const previous of chat.agentIds.filter((id) => id !== target.id)) {
      chat.agentIds = chat.agentIds.filter((id) => id !== previous);
      this.hub.userRemoved(chat, thread, previous, 'agent', requester.id, AGENT_APP_SOURCE);
    }
    if (!chat.agentIds.includes(target.id)) {
      this.admit(chat, thread, target);
      this.hub.agentAdded(chat, thread, target, requester.id, AGENT_APP_SOURCE);
    }
    const message = systemMessage('chat_transferred', { initiator: requester.name, targets: target.name });
    return this.post(chat, thread, message, AGENT_APP_SOURCE);
  }

  /**
   * `transfer_chat` to a group (`groupIds` null: the chat's current groups). The chat's access becomes
   * the group and its agents leave it: it waits in that group's queue. The requester must be in the
   * chat unless `ignoreRequesterPresence`; an agent must be available unless `ignoreAgentsAvailability`.
   */
  transferToGroups(
    chatId: string,
    groupIds: number[] | null,
    requesterId: string,
    flags: { ignoreRequesterPresence: boolean; ignoreAgentsAvailability: boolean },
    source: ActionSource,
  ): SimEvent {
    const { chat, thread } = this.activeChat(chatId);
    const groups = groupIds ?? chat.access.group_ids;
    if (groups.some((id) => !this.groupIds().includes(id))) throw new ApiError('group_not_found');
    // [unverified] The error types of these two refusals are not in LiveChat's public error table.
    if (!flags.ignoreRequesterPresence && !chat.agentIds.includes(requesterId)) throw new ApiError('validation', 'Requester is not present in the chat');
    if (!flags.ignoreAgentsAvailability && !this.agents.anyOnline()) throw new ApiError('group_unavailable');
    chat.access = { group_ids: [...new Set(groups)] };
    this.hub.transferred(chat, thread, requesterId, [], source);
    for (const previous of [...chat.agentIds]) {
      chat.agentIds = chat.agentIds.filter((id) => id !== previous);
      this.hub.userRemoved(chat, thread, previous, 'agent', requesterId, source);
    }
    const initiator = this.agents.get(requesterId)?.name ?? requesterId;
    const message = systemMessage('chat_transferred', { initiator, targets: groups.map((g) => `group ${g}`).join(', ') });
    return this.post(chat, thread, message, source);
  }

  close(chatId: string, agentId?: string): SimEvent {
    const { chat } = this.activeChat(chatId);
    const agent = agentId ? this.agent(agentId) : chat.agentIds[0] ? this.agent(chat.agentIds[0]) : this.anyAgent();
    return this.closer.close(chat, systemMessage('manual_archived_agent', { agent: agent.name }), agent.id, AGENT_APP_SOURCE);
  }

  archiveInactive(chatId: string): SimEvent {
    const { chat } = this.activeChat(chatId);
    const message = systemMessage('routing.archived_inactive', { duration: minutes(this.inactivitySeconds()) });
    return this.closer.close(chat, message, undefined, SYSTEM_SOURCE);
  }

  archiveOffline(chatId: string): SimEvent {
    const { chat } = this.activeChat(chatId);
    return this.closer.close(chat, systemMessage('routing.archived_offline'), undefined, SYSTEM_SOURCE);
  }

  archiveSignedOut(chatId: string, agentId: string): SimEvent {
    const { chat } = this.activeChat(chatId);
    const agent = this.agent(agentId);
    return this.closer.close(chat, systemMessage('routing.archived_signed_out', { agent: agent.name }), undefined, SYSTEM_SOURCE);
  }

  /** `routing.idle`: the chat stays open. */
  markIdle(chatId: string, idleSeconds: number): SimEvent {
    const { chat, thread } = this.activeChat(chatId);
    chat.idleNotified = true;
    return this.post(chat, thread, systemMessage('routing.idle', { duration: minutes(idleSeconds) }), SYSTEM_SOURCE);
  }

  private post(chat: SimChat, thread: SimThread, fields: Omit<SimEvent, 'id' | 'created_at'>, source = AGENT_APP_SOURCE): SimEvent {
    const event = this.store.append(chat, thread, fields);
    this.hub.eventAdded(chat, thread, event, source);
    return event;
  }

  private admit(chat: SimChat, thread: SimThread, agent: SimAgent): void {
    chat.agentIds.push(agent.id);
    chat.absentAgentIds = chat.absentAgentIds.filter((id) => id !== agent.id);
    if (!thread.userIds.includes(agent.id)) thread.userIds.push(agent.id);
  }

  /** An agent may write without joining; they are then listed with `present:false`. */
  private author(chat: SimChat, agentId?: string): SimAgent {
    if (agentId) {
      const agent = this.agent(agentId);
      if (!chat.agentIds.includes(agent.id) && !chat.absentAgentIds.includes(agent.id)) chat.absentAgentIds.push(agent.id);
      return agent;
    }
    if (chat.agentIds[0]) return this.agent(chat.agentIds[0]);
    const agent = this.agents.firstOnline() ?? this.anyAgent();
    if (!chat.absentAgentIds.includes(agent.id)) chat.absentAgentIds.push(agent.id);
    return agent;
  }

  private activeChat(chatId: string): { chat: SimChat; thread: SimThread } {
    const chat = this.store.get(chatId);
    if (!chat) throw new ApiError('not_found', 'Chat not found');
    const thread = lastThread(chat);
    if (!thread.active) throw new ApiError('chat_inactive');
    return { chat, thread };
  }

  private agent(id: string): SimAgent {
    const agent = this.agents.get(id);
    if (!agent) throw new ApiError('validation', `Unknown agent ${id}`);
    return agent;
  }

  private anyAgent(): SimAgent {
    const agent = this.agents.list()[0];
    if (!agent) throw new ApiError('validation', 'No agents configured');
    return agent;
  }
}
