import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { BotkitClient, type BotkitPayload } from '@agent-bridge/botkit';
import { metrics, timedProviderCall } from '@agent-bridge/observability';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type DeskTeamChangedJob, type EndSessionJob, type SessionJob } from '@agent-bridge/queue';
import { csatExternalId, csatTemplate } from '../csat/csat-rating';
import { HistoryLinkService } from '../history/history-link.service';
import { AfterHoursService } from '../hours/after-hours.service';
import { ProviderError, ProviderErrorCode, type OpenChatRequest } from '../desk-port/desk-adapter';
import { ProviderRegistry } from '../desks/provider-registry.service';
import { RelayService } from '../relay/relay.service';
import { TranscriptRepository } from '../relay/transcript.repository';
import { BotSettingsService } from '../settings/bot-settings.service';
import { SessionTimersService } from '../timers/session-timers.service';
import { ConversationRepository, type ClosingNotice } from './conversation.repository';
import type { HandoffDetail } from '../desk-port/desk-session';
import { deskTeam } from '../teams/desk-team';
import { TeamOverflowService } from '../teams/team-overflow.service';
import { TeamRouter } from '../teams/team-router.service';
import type { CloseReason, Conversation, ConversationState, HandoffTrigger } from './conversation.types';
import { HandoffEventsService } from './handoff-events.service';
import { fillTemplate, humanDuration, providerChatOf } from './provider-chat';


/** The user-facing notice for each way a session ends. */
const END_NOTICE: Record<CloseReason, keyof AppConfig['handoff']['messages']> = {
  agent_closed: 'agentLeft',
  user_ended: 'userEnded',
  inactivity: 'inactivity',
  queue_timeout: 'queueTimeout',
  provider_error: 'unavailable',
  platform_reset: 'agentLeft',
  after_hours: 'outsideHours',
};

/**
 * The closes after which the user is asked to rate the agent: the agent closed the chat, or the
 * user left it. Both end a conversation an agent actually held, as a contact centre surveys every
 * handled chat whoever ends it. Not after inactivity (nobody is there to answer), a queue timeout
 * or a desk error (no agent helped), or a platform reset (the platform took the user back itself).
 */
const CSAT_AFTER: ReadonlySet<CloseReason> = new Set(['agent_closed', 'user_ended']);

/**
 * The ownership state machine: bot -> queued -> assigned -> closed (back to the bot). Postgres
 * decides every transition (one active session per visitor, one winner per close); each is
 * recorded and published once.
 */
@Injectable()
export class HandoffService {
  private readonly logger = new Logger(HandoffService.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly transcript: TranscriptRepository,
    private readonly relay: RelayService,
    private readonly timers: SessionTimersService,
    private readonly providers: ProviderRegistry,
    private readonly botkit: BotkitClient,
    private readonly links: HistoryLinkService,
    private readonly events: HandoffEventsService,
    private readonly afterHours: AfterHoursService,
    private readonly teams: TeamRouter,
    private readonly overflow: TeamOverflowService,
    private readonly botSettings: BotSettingsService,
    @InjectQueue(QUEUES.sessions) private readonly sessions: Queue<SessionJob | EndSessionJob | DeskTeamChangedJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Enters agent mode. Idempotent: a second trigger for an active visitor changes nothing. */
  async start(botId: string, visitorKey: string, payload: BotkitPayload, trigger: HandoffTrigger, detail: HandoffDetail | null = null): Promise<Conversation> {
    const user = payload.context?.session?.UserContext;
    const userName = [user?.firstName, user?.lastName].filter(Boolean).join(' ') || null;
    const provider = this.providers.forBot(botId).name;
    const team = await this.teams.choose(botId, trigger, payload);
    const opened = await this.conversations.open({
      botId, visitorKey, trigger, provider, userName, payload, actor: `platform:${trigger}`, teamId: team?.id ?? null, handoffDetail: detail,
    });
    if (!opened) {
      const active = await this.conversations.findActive(botId, visitorKey);
      if (!active) throw new Error('session vanished while opening'); // closed in between: the retry starts afresh
      if (!active.providerRef) await this.finishOpening(active, payload);
      return active;
    }
    metrics.transfers.inc({ trigger, provider });
    await this.publish(opened, 'bot', 'queued', trigger, `platform:${trigger}`);
    if (await this.outsideHours(opened, payload)) return opened;
    await this.relay.toUser(opened, this.botSettings.messages(botId).waiting, { externalId: `waiting:${opened.id}` });
    await this.botkit.startAgentSession(payload);
    await this.timers.startSession(opened.id);
    await this.overflow.schedule(opened);
    await this.openProviderChat(opened);
    return opened;
  }

  /**
   * The rest of a hand-off whose first attempt failed after the session was stored (the desk or
   * the platform was down): the retry of the transfer event lands here. Each step is idempotent.
   */
  private async finishOpening(conversation: Conversation, payload: BotkitPayload): Promise<void> {
    if (await this.outsideHours(conversation, payload)) return;
    await this.relay.toUser(conversation, this.botSettings.messages(conversation.botId).waiting, { externalId: `waiting:${conversation.id}` });
    await this.botkit.startAgentSession(payload);
    await this.timers.startSession(conversation.id);
    await this.overflow.schedule(conversation);
    await this.openProviderChat(conversation);
  }

  /**
   * The chosen team is closed: the user is told when it opens, then goes back to the bot at once or
   * may leave a message (the session stays open without a desk chat until it comes, or the queue
   * timeout passes). Each step is idempotent, for the transfer event's retry. False: open, carry on.
   */
  private async outsideHours(conversation: Conversation, payload: BotkitPayload): Promise<boolean> {
    // Hours are a team's: a session routed to none is never outside them (spares a read per hand-off).
    if (conversation.teamId === null) return false;
    const closed = await this.afterHours.closedNow(conversation.id);
    if (!closed) return false;
    const messages = this.botSettings.messages(conversation.botId);
    if (closed.action === 'bot') {
      await this.end(conversation.id, 'after_hours', 'hours', fillTemplate(messages.outsideHours, { next: closed.next }));
      return true;
    }
    await this.relay.toUser(conversation, fillTemplate(messages.outsideHoursLeaveMessage, { next: closed.next }), { externalId: `after-hours:${conversation.id}` });
    await this.botkit.startAgentSession(payload);
    await this.timers.startSession(conversation.id);
    return true;
  }

  /**
   * A user message while the session waits for one left for a closed team: it is kept for the
   * team's agents (stored already), the user is thanked and goes back to the bot. False for any
   * other session.
   */
  async messageLeft(conversation: Conversation): Promise<boolean> {
    if (conversation.providerRef || !(await this.afterHours.isCollecting(conversation.id))) return false;
    const thanks = this.botSettings.messages(conversation.botId).offlineMessageThanks;
    await this.end(conversation.id, 'after_hours', `user:${conversation.visitorKey}`, thanks);
    return true;
  }

  /** Opens the desk's chat; a desk with nobody to answer ends the session at once. */
  private async openProviderChat(conversation: Conversation): Promise<void> {
    const provider = this.providers.get(conversation.provider);
    const user = conversation.latestPayload.context?.session?.UserContext;
    const request: OpenChatRequest = {
      conversationId: conversation.id,
      botId: conversation.botId,
      visitorKey: conversation.visitorKey,
      user: { id: conversation.visitorKey, name: conversation.userName, email: typeof user?.emailId === 'string' ? user.emailId : null },
      recentMessages: await this.recentMessages(conversation),
      historyUrl: this.links.url(conversation.id),
      trigger: conversation.trigger,
      team: deskTeam(await this.teams.team(conversation.teamId), provider.name),
    };
    try {
      const chat = await timedProviderCall(provider.name, 'open_chat', () => provider.openChat(request));
      await this.conversations.setProviderRef(conversation.id, chat.ref);
      // The user may have written while the desk's chat was opening. Checked after the ref is stored:
      // a message stored later was taken by an intake that saw no chat and queued the drain itself, or
      // that saw the chat and sent it. Most hand-offs have none: no drain job for them.
      if (await this.transcript.hasPending(conversation.id, 'to_agent')) await this.relay.drain(conversation.id, 'to_agent');
      if (chat.agent) await this.assign({ ...conversation, providerRef: chat.ref }, chat.agent, `provider:${provider.name}`);
    } catch (error) {
      if (error instanceof ProviderError && !error.retryable) {
        this.logger.warn(`conversation ${conversation.id}: ${provider.name} could not open a chat (${error.code})`);
        await this.end(conversation.id, error.code === ProviderErrorCode.NoAgents ? 'queue_timeout' : 'provider_error', `provider:${provider.name}`);
        return;
      }
      throw error;
    }
  }

  private async recentMessages(conversation: Conversation): Promise<OpenChatRequest['recentMessages']> {
    const limit = this.config.handoff.recentMessages;
    if (limit === 0) return [];
    try {
      const { messages } = await this.botkit.getMessages(conversation.latestPayload, { limit, userId: conversation.visitorKey }, { attempts: 1 });
      return messages
        .map((m) => ({ from: m.type === 'incoming' ? ('user' as const) : ('bot' as const), text: textOf(m.components?.[0]?.data?.text), at: m.createdOn ?? null }))
        .filter((m) => m.text)
        .reverse();
    } catch (error) {
      // The agent still gets the history link; a missing excerpt must not block the hand-off.
      this.logger.warn(`conversation ${conversation.id}: recent messages unavailable (${(error as Error).message})`);
      return [];
    }
  }

  /** `onlyIfQueued`: an agent accepting from the queue must not take a chat another agent holds. */
  /** `joinedAt` (the desk's clock) orders the join notice among the user's pending messages; default now. */
  async assign(conversation: Conversation, agent: { id: string; name: string }, actor: string, onlyIfQueued = false, joinedAt?: string | null): Promise<Conversation | null> {
    // A session waiting for a message left for a closed team has no agent to take it.
    if (!conversation.providerRef && (await this.afterHours.isCollecting(conversation.id))) return null;
    const transfer = conversation.state === 'assigned' && conversation.agentId !== agent.id;
    const assigned = await this.conversations.assign(conversation.id, agent, actor, transfer ? 'transferred' : 'agent_joined', onlyIfQueued ? ['queued'] : ['queued', 'assigned']);
    if (!assigned) return null;
    if (conversation.state === 'queued') await this.timers.assigned(conversation.id);
    if (conversation.state !== 'assigned' || transfer) {
      await this.publish(assigned, conversation.state, 'assigned', transfer ? 'transferred' : 'agent_joined', actor);
      const text = fillTemplate(this.botSettings.messages(conversation.botId).agentJoined, { agent: agent.name });
      await this.relay.toUser(assigned, text, { externalId: `joined:${agent.id}:${Date.now()}`, sentAt: joinedAt ?? null });
      await this.timers.touch(conversation.id);
    }
    return assigned;
  }

  /** The agent is gone: the chat waits in the queue again and the user is told. */
  async requeue(conversation: Conversation, actor: string): Promise<Conversation | null> {
    const queued = await this.conversations.requeue(conversation.id, actor, 'agent_left');
    if (!queued) return null;
    await this.timers.requeued(queued.id);
    await this.publish(queued, 'assigned', 'queued', 'agent_left', actor);
    await this.overflow.schedule(queued);
    await this.relay.toUser(queued, this.botSettings.messages(queued.botId).waiting, { externalId: `requeued:${queued.id}:${Date.now()}` });
    return queued;
  }

  /**
   * Into a team's queue: an overflow (the chat waited too long) or an agent's transfer to a team.
   * The desk is told; an agent's chat becomes a waiting one again. Null when the team is unknown or
   * inactive, or the chat ended or moved meanwhile.
   */
  async moveToTeam(
    conversation: Conversation,
    teamId: string,
    actor: string,
    reason: 'overflow' | 'team_transfer',
    options: { fromTeamId?: string | null; visited?: string[] } = {},
  ): Promise<Conversation | null> {
    const team = await this.teams.team(teamId);
    if (!team?.active) return null;
    const moved = await this.conversations.changeTeam(conversation.id, team.id, actor, reason, options.fromTeamId);
    if (!moved) return null;
    const { conversation: queued, from } = moved;
    if (from === 'assigned') await this.timers.requeued(queued.id);
    await this.publish(queued, from, 'queued', reason, actor);
    await this.overflow.schedule(queued, options.visited);
    if (from === 'assigned') {
      await this.relay.toUser(queued, this.botSettings.messages(queued.botId).waiting, { externalId: `team:${queued.id}:${Date.now()}` });
    }
    // The desk follows in a job of its own (DeskTeamChangedHandler): one per move, retried while the desk is down.
    await this.sessions.add(JOBS.deskTeamChanged, { conversationId: queued.id, teamId: team.id },
      { ...JOB_OPTIONS[JOBS.deskTeamChanged], jobId: jobId('desk-team', queued.id, team.id, String(Date.now())) });
    return queued;
  }

  /** Queues the end of a session as a job (deterministic id: every path that ends it, once). */
  requestEnd(conversationId: string, reason: CloseReason, actor: string): Promise<unknown> {
    return this.sessions.add(JOBS.endSession, { conversationId, reason, actor }, { ...JOB_OPTIONS[JOBS.endSession], jobId: jobId('end', conversationId) });
  }

  /**
   * Ends a session. Only the caller that wins the close does the rest: stop the timers, tell the
   * user (after any agent message still queued), close the desk's chat unless the desk closed it,
   * and, once the user's queue is drained, clear the platform's agent session exactly once.
   */
  async end(conversationId: string, reason: CloseReason, actor: string, notice?: string): Promise<boolean> {
    // A session waiting for a message left for a closed team ends after hours whatever timer ends it.
    if ((reason === 'queue_timeout' || reason === 'inactivity') && (await this.afterHours.isCollecting(conversationId))) reason = 'after_hours';
    const text = notice ?? (reason === 'after_hours' ? await this.afterHours.closedNotice(conversationId) : null);
    const closed = await this.conversations.close(conversationId, reason, actor, (c) => this.closingNotices(c, reason, text));
    if (!closed) return false;
    const { conversation, from } = closed;
    await this.publish(conversation, from, 'closed', reason, actor);
    await this.timers.stopSession(conversation.id);
    // What the user left for a closed team is the offline conversation's content, not a failed delivery.
    if (reason === 'after_hours') await this.afterHours.keepLeftMessages(conversation.id);
    const failed = await this.transcript.failPendingToAgent(conversation.id, 'session closed');
    if (failed > 0) this.logger.warn(`conversation ${conversation.id}: ${failed} message(s) to the agent undelivered at close`);
    // Pending messages to the user (the agent's last words, then the notice) go out in order.
    await this.relay.drain(conversation.id, 'to_user');
    if (reason !== 'agent_closed' && providerChatOf(conversation)) {
      await this.sessions.add(JOBS.closeProviderChat, { conversationId: conversation.id, reason, actor }, { ...JOB_OPTIONS[JOBS.closeProviderChat], jobId: jobId('close-chat', conversation.id) });
    }
    return true;
  }

  /** The end notice, then the rating question when an agent held the chat (agent_id stays set on close). */
  private closingNotices(conversation: Conversation, reason: CloseReason, text: string | null): ClosingNotice[] {
    const notices: ClosingNotice[] = [{ text: text ?? this.endNotice(conversation, reason), externalId: `closed:${conversation.id}` }];
    if (CSAT_AFTER.has(reason) && conversation.agentId !== null && this.botSettings.csatEnabled(conversation.botId)) {
      const prompt = csatTemplate(this.botSettings.messages(conversation.botId).csatPrompt);
      notices.push({ text: JSON.stringify(prompt), externalId: csatExternalId(conversation.id), csat: true });
    }
    return notices;
  }

  private endNotice(conversation: Conversation, reason: CloseReason): string {
    const notice = this.botSettings.messages(conversation.botId)[END_NOTICE[reason]];
    const timeout = this.config.handoff.inactivityTimeoutSeconds;
    return fillTemplate(notice, { minutes: Math.round(timeout / 60), duration: humanDuration(timeout) });
  }

  private async publish(conversation: Conversation, from: ConversationState | 'bot', to: ConversationState, reason: string | null, actor: string): Promise<void> {
    this.logger.log(`conversation ${conversation.id}: ${from} -> ${to} (${reason ?? '-'}, by ${actor})`);
    await this.events.publish({
      conversationId: conversation.id,
      botId: conversation.botId,
      visitorKey: conversation.visitorKey,
      provider: conversation.provider,
      from,
      to,
      reason,
      actor,
      at: new Date().toISOString(),
    });
  }
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : JSON.stringify(value);
}
