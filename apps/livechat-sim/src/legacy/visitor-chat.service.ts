import { randomBytes } from 'node:crypto';
import type { SweepTask } from '../agent/router.service';
import { systemMessage } from '../agent/system-message.factory';
import type { ResolvedOptions } from '../sim.options';
import type { ChatCloser } from '../state/chat-closer.service';
import type { ChatHub, LegacyEventSink } from '../state/chat.hub';
import type { ChatStore } from '../state/chat.store';
import type { SimAgent, SimChat, SimEvent } from '../state/chat.types';
import { lastThread, SYSTEM_SOURCE } from '../state/chat.types';
import type { CustomerStore } from '../state/customer.store';
import { V2Error, type V2Event, type VisitorSession } from './visitor-chat.types';

/** Client id v2 chats are recorded under; v2 licences know nothing of OAuth clients. */
const V2_CLIENT_ID = 'legacy-v2-visitor';
const V2_SOURCE = { kind: 'client' as const, clientId: V2_CLIENT_ID };

export interface StartParams {
  welcomeMessage: string;
  name?: string;
  email?: string;
  /** Already checked against the licence's groups; absent: General (0). */
  group?: number;
}

export class VisitorChatService implements LegacyEventSink, SweepTask {
  private readonly byVisitor = new Map<string, VisitorSession>();
  private readonly byChat = new Map<string, VisitorSession>();
  private readonly open = new Set<VisitorSession>();

  constructor(
    private readonly store: ChatStore,
    private readonly customers: CustomerStore,
    private readonly hub: ChatHub,
    private readonly closer: ChatCloser,
    private readonly settings: Pick<ResolvedOptions, 'v2KeepAliveSeconds'>,
  ) {}

  /** [unverified] A visitor with a chat still running gets that session back rather than a second chat. */
  start(visitorId: string, params: StartParams): Record<string, unknown> {
    const current = this.byVisitor.get(visitorId);
    if (current && !current.closed) return { secured_session_id: current.securedSessionId, banned: false };
    const customer = this.customers.create(V2_CLIENT_ID, params.name ?? 'Client');
    if (params.email) customer.email = params.email;
    const chat = this.store.create({
      kind: 'v2',
      customerId: customer.id,
      properties: { source: { client_id: V2_CLIENT_ID } },
      access: { group_ids: [params.group ?? 0] },
      continuous: false,
      threadProperties: {},
      active: true,
      visitorId,
    });
    const session: VisitorSession = {
      visitorId,
      chatId: chat.id,
      securedSessionId: `CS${Math.floor(Date.now() / 1000)}.${randomBytes(5).toString('hex')}`,
      events: [],
      nextMessageId: 1,
      deliveredUpTo: 0,
      lastPollAt: Date.now(),
      closed: false,
    };
    this.byVisitor.set(visitorId, session);
    this.byChat.set(chat.id, session);
    this.open.add(session);
    this.visitorSays(chat, params.welcomeMessage);
    return { secured_session_id: session.securedSessionId, banned: false };
  }

  sendMessage(session: VisitorSession, text: string): void {
    if (session.closed) throw new V2Error(400, 'chat is closed');
    this.visitorSays(this.chatOf(session), text);
  }

  /** Each poll is also the keep-alive. */
  pending(session: VisitorSession, lastMessageId: number | undefined): V2Event[] {
    session.lastPollAt = Date.now();
    const after = lastMessageId ?? session.deliveredUpTo;
    const events = session.events.filter((e) => e.message_id > after);
    if (events.length > 0) session.deliveredUpTo = Math.max(session.deliveredUpTo, events[events.length - 1]!.message_id);
    return events;
  }

  close(session: VisitorSession): void {
    if (session.closed) return;
    const chat = this.chatOf(session);
    const name = this.customers.get(chat.customerId)?.name ?? 'Client';
    this.closer.close(chat, systemMessage('manual_archived_customer', { customer: name }), chat.customerId, V2_SOURCE);
  }

  session(visitorId: string): VisitorSession | undefined {
    return this.byVisitor.get(visitorId);
  }

  sweep(now: number): void {
    if (this.open.size === 0) return;
    const limitMs = this.settings.v2KeepAliveSeconds * 1000;
    if (limitMs <= 0) return;
    for (const session of [...this.open]) {
      if (now - session.lastPollAt <= limitMs) continue;
      const chat = this.chatOf(session);
      const name = this.customers.get(chat.customerId)?.name ?? 'Client';
      // Polling stopped: to LiveChat the visitor has left the page.
      this.closer.close(chat, systemMessage('archived_customer_disconnected', { customer: name }), chat.customerId, SYSTEM_SOURCE);
    }
  }

  onEvent(chat: SimChat, event: SimEvent): void {
    const session = this.byChat.get(chat.id);
    if (!session || event.author_id === undefined) return;
    const fromVisitor = event.author_id === chat.customerId;
    if (event.type === 'message') this.push(session, { type: 'message', user_type: fromVisitor ? 'visitor' : 'agent', text: event.text });
    // [unverified] v2 has no file event; the agent's file reaches the visitor as a message with its URL.
    else if (event.type === 'file' && !fromVisitor) this.push(session, { type: 'message', user_type: 'agent', text: String(event.url) });
  }

  onAgentAdded(chat: SimChat, agent: SimAgent): void {
    const session = this.byChat.get(chat.id);
    if (!session) return;
    this.push(session, { type: 'agent_details', user_type: 'agent', agent: { name: agent.name, job_title: agent.jobTitle ?? '', avatar: agent.avatar ?? '' } });
  }

  onClosed(chat: SimChat, userId: string | undefined): void {
    const session = this.byChat.get(chat.id);
    if (!session || session.closed) return;
    session.closed = true;
    this.open.delete(session);
    this.push(session, { type: 'chat_closed', user_type: userId === chat.customerId ? 'visitor' : 'agent' });
  }

  private visitorSays(chat: SimChat, text: string): void {
    const thread = lastThread(chat);
    const event = this.store.append(chat, thread, { type: 'message', author_id: chat.customerId, text, visibility: 'all' });
    chat.customerEvents.push(event);
    this.hub.eventAdded(chat, thread, event, V2_SOURCE);
  }

  private push(session: VisitorSession, fields: Omit<V2Event, 'message_id' | 'timestamp'>): void {
    session.events.push({ message_id: session.nextMessageId++, timestamp: Math.floor(Date.now() / 1000), ...fields });
  }

  private chatOf(session: VisitorSession): SimChat {
    const chat = this.store.get(session.chatId);
    if (!chat) throw new V2Error(404, 'chat not found');
    return chat;
  }
}
