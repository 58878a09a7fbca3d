import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { normalizeText } from '@agent-bridge/botkit';
import { DeskEvents, DeskSessions, type Conversation } from '@agent-bridge/desk-port';
import { AgentRepository, type Agent } from '../agents/agent.repository';
import { ConsoleEmitter } from '../desk/console-emitter.service';
import { CONSOLE_PROVIDER, WHISPER_PREFIX, agentRoom, conversationView, messageView } from '../desk/console-events';
import { ConsoleProvider } from '../desk/console.provider';
import { PresenceService } from '../presence/presence.service';

/** What the socket acks and the REST routes map to status codes. */
export type SupervisorResult =
  | { ok: true; [key: string]: unknown }
  | { ok: false; error: 'not allowed' | 'not found' | 'no agent' | 'text is required' | 'no such agent' | 'agent not available' | 'at_capacity' | 'the chat has ended' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 3000;

export const isSupervisor = (agent: Agent): boolean => agent.role === 'supervisor' || agent.role === 'admin';

/** A supervisor's (or admin's) hand in any console conversation: whisper, take over, reassign. */
@Injectable()
export class SupervisorActionsService {
  private readonly logger = new Logger(SupervisorActionsService.name);

  constructor(
    private readonly conversations: DeskSessions,
    private readonly desk: DeskEvents,
    private readonly agents: AgentRepository,
    private readonly presence: PresenceService,
    private readonly emitter: ConsoleEmitter,
    private readonly provider: ConsoleProvider,
  ) {}

  /** A note the chat's agent sees and the user never does (an internal row), marked as the supervisor's whisper. */
  async whisper(supervisor: Agent, conversationId: unknown, rawText: unknown, clientId: unknown): Promise<SupervisorResult> {
    if (!isSupervisor(supervisor)) return { ok: false, error: 'not allowed' };
    const conversation = await this.open(conversationId);
    if (!conversation) return { ok: false, error: 'not found' };
    if (conversation.state !== 'assigned' || !conversation.agentId) return { ok: false, error: 'no agent' };
    const text = typeof rawText === 'string' ? normalizeText(rawText) : null;
    if (!text || text.trim() === '' || text.length > MAX_TEXT) return { ok: false, error: 'text is required' };
    // A whisper re-sent after a lost ack (same client id) is stored once.
    const id = typeof clientId === 'string' && clientId.length > 0 && clientId.length <= 100 ? normalizeText(clientId) : randomUUID();
    const externalId = `${WHISPER_PREFIX}${id}`;
    const stored =
      (await this.desk.internalNote(conversation.id, { author: 'note', authorName: supervisor.name, text, externalId })) ??
      (await this.conversations.messageByExternalId(conversation.id, 'internal', externalId));
    if (!stored) return { ok: false, error: 'the chat has ended' };
    this.emitter.toOwner(conversation.agentId, 'message', messageView(stored));
    return { ok: true, message: messageView(stored) };
  }

  /** The supervisor becomes the chat's agent; the one before is told and loses it. */
  async takeOver(supervisor: Agent, conversationId: unknown): Promise<SupervisorResult> {
    if (!isSupervisor(supervisor)) return { ok: false, error: 'not allowed' };
    const conversation = await this.open(conversationId);
    if (!conversation) return { ok: false, error: 'not found' };
    if (conversation.agentId === supervisor.id) return { ok: true, conversation: conversationView(conversation, this.conversations.historyUrl(conversation.id)) };
    // No capacity check: a supervisor stepping in decides that themselves.
    return this.move(supervisor, conversation, supervisor, 'taken_over');
  }

  /** To an agent who can answer now, as an agent's transfer is. */
  async reassign(supervisor: Agent, conversationId: unknown, toAgentId: unknown): Promise<SupervisorResult> {
    if (!isSupervisor(supervisor)) return { ok: false, error: 'not allowed' };
    const conversation = await this.open(conversationId);
    if (!conversation) return { ok: false, error: 'not found' };
    const target = typeof toAgentId === 'string' && UUID.test(toAgentId) ? await this.agents.findById(toAgentId) : null;
    if (!target || target.disabled || target.id === conversation.agentId) return { ok: false, error: 'no such agent' };
    if ((await this.presence.online([target.id])).get(target.id) !== 'available') return { ok: false, error: 'agent not available' };
    if (((await this.conversations.loadByAgent(CONSOLE_PROVIDER)).get(target.id) ?? 0) >= target.maxChats) return { ok: false, error: 'at_capacity' };
    return this.move(supervisor, conversation, target, 'reassigned');
  }

  private async move(supervisor: Agent, conversation: Conversation, to: Agent, reason: 'taken_over' | 'reassigned'): Promise<SupervisorResult> {
    const moved = await this.desk.assign(conversation, { id: to.id, name: to.name }, `supervisor:${supervisor.id}`);
    if (!moved) return { ok: false, error: 'the chat has ended' };
    const view = conversationView(moved, this.conversations.historyUrl(moved.id));
    const what = reason === 'taken_over' ? `${supervisor.name} took over the conversation.` : `${supervisor.name} reassigned the conversation to ${to.name}.`;
    const notice = await this.desk.internalNote(moved.id, { author: 'system', text: what });
    if (notice) this.emitter.toOwner(to.id, 'message', messageView(notice));
    this.emitter.toOwner(to.id, 'conversation', view);
    if (conversation.agentId && conversation.agentId !== to.id) {
      this.emitter.toRoom(agentRoom(conversation.agentId), 'conversation:closed', { conversationId: moved.id, reason });
    }
    // A chat taken from the queue leaves it: the queue and the users' places in line change.
    if (conversation.state === 'queued') await this.provider.route(reason);
    this.logger.log(`conversation ${moved.id} ${reason} by ${supervisor.id} to ${to.id}`);
    return { ok: true, conversation: view };
  }

  private async open(conversationId: unknown): Promise<Conversation | null> {
    if (typeof conversationId !== 'string' || !UUID.test(conversationId)) return null;
    const conversation = await this.conversations.byId(conversationId);
    return conversation && conversation.provider === CONSOLE_PROVIDER && conversation.state !== 'closed' ? conversation : null;
  }
}
