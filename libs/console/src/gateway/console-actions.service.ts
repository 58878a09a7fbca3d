import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { normalizeText } from '@agent-bridge/botkit';
import { DeskEvents, DeskSessions, DeskTeams, type Conversation } from '@agent-bridge/desk-port';
import { ConsoleEmitter } from '../desk/console-emitter.service';
import { CONSOLE_PROVIDER, SUPERVISORS_ROOM, conversationView, messageView } from '../desk/console-events';
import { ConsoleProvider } from '../desk/console.provider';
import { AgentRepository, type Agent } from '../agents/agent.repository';
import { PresenceService } from '../presence/presence.service';
import { ConsoleQueueService, mayTake } from '../routing/console-queue.service';
import { AgentTeamsRepository } from '../teams/agent-teams.repository';
import { DispositionRepository } from '../dispositions/disposition.repository';

export type Ack = { ok: true; [key: string]: unknown } | { ok: false; error: string };

const MAX_TEXT = 3000 * 10; // long agent replies are split for the platform, not refused
const SYNC_PAGE = 1000;
/** Anything but a uuid names nothing, and Postgres would refuse it. */
const CONVERSATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ConsoleActionsService {
  constructor(
    private readonly conversations: DeskSessions,
    private readonly desk: DeskEvents,
    private readonly queue: ConsoleQueueService,
    private readonly agents: AgentRepository,
    private readonly presence: PresenceService,
    private readonly emitter: ConsoleEmitter,
    private readonly provider: ConsoleProvider,
    private readonly dispositions: DispositionRepository,
    private readonly teams: DeskTeams,
    private readonly memberships: AgentTeamsRepository,
  ) {}

  async sendSnapshot(socket: Socket, agent: Agent): Promise<void> {
    const [teams, mine] = await Promise.all([this.teams.list(), this.memberships.teamsOf(agent.id)]);
    socket.emit('teams', { items: teams.filter((t) => t.active).map((t) => ({ id: t.id, name: t.name })), mine });
    socket.emit('queue', { items: await this.queue.itemsFor(agent) });
    const own = agent.role === 'agent'
      ? await this.conversations.assignedTo(CONSOLE_PROVIDER, agent.id)
      : [...(await this.conversations.open(CONSOLE_PROVIDER))].filter((c) => c.state === 'assigned');
    for (const conversation of own) socket.emit('conversation', conversationView(conversation, this.conversations.historyUrl(conversation.id)));
  }

  async accept(agent: Agent, conversationId: unknown): Promise<Ack> {
    if (typeof conversationId !== 'string' || !CONVERSATION_ID.test(conversationId)) return { ok: false, error: 'conversationId is required' };
    const result = await this.queue.accept(conversationId, agent);
    await this.provider.route('accepted');
    return result.ok ? { ok: true, conversation: conversationView(result.conversation, this.conversations.historyUrl(conversationId)) } : result;
  }

  async sync(agent: Agent, conversationId: unknown, after: unknown): Promise<Ack> {
    const conversation = await this.allowed(agent, conversationId, true);
    if (!conversation) return { ok: false, error: 'not allowed' };
    const cursor = typeof after === 'string' && /^\d+$/.test(after) ? after : '0';
    const messages = await this.conversations.messages(conversation.id, cursor, SYNC_PAGE + 1);
    return { ok: true, messages: messages.slice(0, SYNC_PAGE).map(messageView), more: messages.length > SYNC_PAGE };
  }

  async send(agent: Agent, conversationId: unknown, clientId: unknown, rawText: unknown): Promise<Ack> {
    // socket.io parses its own JSON, past the HTTP parser: normalise here what Postgres cannot store.
    const text = typeof rawText === 'string' ? normalizeText(rawText) : rawText;
    const conversation = await this.allowed(agent, conversationId);
    if (!conversation || conversation.state !== 'assigned') return { ok: false, error: 'not allowed' };
    if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 100 || clientId !== normalizeText(clientId)) return { ok: false, error: 'clientId is required' };
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT) return { ok: false, error: 'text is required' };
    // The client id makes a resend after a reconnect the same message, stored and delivered once.
    const stored =
      (await this.desk.agentMessage(CONSOLE_PROVIDER, conversation.id, { id: clientId, text, agentName: agent.name })) ??
      (await this.conversations.messageByExternalId(conversation.id, 'to_user', `${CONSOLE_PROVIDER}:${clientId}`));
    if (!stored) return { ok: false, error: 'not stored' };
    // Supervisors watching the chat see the agent's side live too.
    this.emitter.toRoom(SUPERVISORS_ROOM, 'message', messageView(stored));
    return { ok: true, message: messageView(stored) };
  }

  async note(agent: Agent, conversationId: unknown, rawText: unknown, clientId?: unknown): Promise<Ack> {
    const text = typeof rawText === 'string' ? normalizeText(rawText) : rawText;
    const conversation = await this.allowed(agent, conversationId, true);
    if (!conversation) return { ok: false, error: 'not allowed' };
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT) return { ok: false, error: 'text is required' };
    // A note re-sent after a lost ack (same client id) is stored once.
    const externalId = typeof clientId === 'string' && clientId.length > 0 && clientId.length <= 100 ? `note:${normalizeText(clientId)}` : null;
    const stored =
      (await this.desk.internalNote(conversation.id, { author: 'note', authorName: agent.name, text, externalId })) ??
      (externalId ? await this.conversations.messageByExternalId(conversation.id, 'internal', externalId) : null);
    if (!stored) return { ok: false, error: 'not stored' };
    this.emitter.toOwner(conversation.agentId, 'message', messageView(stored));
    return { ok: true, message: messageView(stored) };
  }

  /** `teams`: the active teams, which a chat can be transferred to as well as to an agent. */
  async agentsList(): Promise<Ack> {
    const [agents, load, status, teams] = await Promise.all([this.agents.list(), this.conversations.loadByAgent(CONSOLE_PROVIDER), this.statuses(), this.teams.list()]);
    return {
      ok: true,
      items: agents.map((a) => ({ id: a.id, name: a.name, status: status.get(a.id) ?? 'offline', activeChats: load.get(a.id) ?? 0, maxChats: a.maxChats })),
      teams: teams.filter((t) => t.active).map((t) => ({ id: t.id, name: t.name })),
    };
  }

  private statuses(agentIds?: string[]): Promise<Map<string, string>> {
    return this.presence.online(agentIds);
  }

  async transfer(agent: Agent, conversationId: unknown, toAgentId: unknown, note: unknown, toTeamId?: unknown): Promise<Ack> {
    const conversation = await this.allowed(agent, conversationId);
    if (!conversation || conversation.state !== 'assigned') return { ok: false, error: 'not allowed' };
    if (toTeamId !== undefined) return this.transferToTeam(agent, conversation, toTeamId, note);
    const target = typeof toAgentId === 'string' && CONVERSATION_ID.test(toAgentId) ? await this.agents.findById(toAgentId) : null;
    if (!target || target.disabled || target.id === conversation.agentId) return { ok: false, error: 'no such agent' };
    // Only to someone who can answer now: an offline or away agent would leave the user waiting unseen.
    if ((await this.statuses([target.id])).get(target.id) !== 'available') return { ok: false, error: 'agent not available' };
    if (((await this.conversations.loadByAgent(CONSOLE_PROVIDER)).get(target.id) ?? 0) >= target.maxChats) return { ok: false, error: 'at_capacity' };
    if (typeof note === 'string' && note.trim()) await this.note(agent, conversation.id, `Transfer note: ${note.trim()}`);
    const moved = await this.desk.assign(conversation, { id: target.id, name: target.name }, `agent:${agent.id}`);
    if (!moved) return { ok: false, error: 'the chat has ended' };
    const view = conversationView(moved, this.conversations.historyUrl(moved.id));
    this.emitter.toOwner(target.id, 'conversation', view);
    if (conversation.agentId) this.emitter.toRoom(`agent:${conversation.agentId}`, 'conversation:closed', { conversationId: moved.id, reason: 'transferred' });
    return { ok: true, conversation: view };
  }

  /** Into the team's queue: its members see it there (or routing assigns it); the agent lets go. */
  private async transferToTeam(agent: Agent, conversation: Conversation, toTeamId: unknown, note: unknown): Promise<Ack> {
    const team = typeof toTeamId === 'string' && CONVERSATION_ID.test(toTeamId) ? await this.teams.byId(toTeamId) : null;
    if (!team?.active) return { ok: false, error: 'no such team' };
    if (typeof note === 'string' && note.trim()) await this.note(agent, conversation.id, `Transfer note: ${note.trim()}`);
    const moved = await this.teams.moveToTeam(conversation, team.id, `agent:${agent.id}`);
    if (!moved) return { ok: false, error: 'the chat has ended' };
    if (conversation.agentId) this.emitter.toRoom(`agent:${conversation.agentId}`, 'conversation:closed', { conversationId: moved.id, reason: 'transferred' });
    return { ok: true, conversation: conversationView(moved, this.conversations.historyUrl(moved.id)) };
  }

  async close(agent: Agent, conversationId: unknown, disposition: unknown): Promise<Ack> {
    const conversation = await this.allowed(agent, conversationId);
    if (!conversation || conversation.state === 'closed') return { ok: false, error: 'not allowed' };
    const text = typeof disposition === 'string' ? normalizeText(disposition).trim().slice(0, 200) : '';
    // An active code from the admins' list, or the agent's own words.
    const recorded = text ? ((await this.dispositions.isActive(text)) ? text : `other: ${text}`) : null;
    await this.desk.end(conversation.id, 'agent_closed', `agent:${agent.id}`, recorded);
    this.emitter.toOwner(conversation.agentId, 'conversation:closed', { conversationId: conversation.id, reason: 'agent_closed', disposition: recorded });
    return { ok: true };
  }

  /** `readQueued`: an agent may read a waiting chat, to look before accepting. */
  async allowed(agent: Agent, conversationId: unknown, readQueued = false): Promise<Conversation | null> {
    if (typeof conversationId !== 'string' || !CONVERSATION_ID.test(conversationId)) return null;
    const conversation = await this.conversations.byId(conversationId);
    if (!conversation || conversation.provider !== CONSOLE_PROVIDER) return null;
    if (agent.role !== 'agent') return conversation;
    if (conversation.agentId === agent.id) return conversation;
    if (readQueued && conversation.state === 'queued' && mayTake(agent, conversation.teamId, await this.memberships.teamsOf(agent.id))) return conversation;
    return null;
  }
}
