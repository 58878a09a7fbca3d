import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { DeskEvents, DeskSessions, type Conversation } from '@agent-bridge/desk-port';
import { ConsoleEmitter } from '../desk/console-emitter.service';
import { AGENTS_ROOM, CONSOLE_PROVIDER, conversationView, type QueueItem } from '../desk/console-events';
import { AgentRepository, type Agent } from '../agents/agent.repository';
import { PresenceService } from '../presence/presence.service';

export type AcceptResult = { ok: true; conversation: Conversation } | { ok: false; error: 'taken' | 'at_capacity' | 'not_found' };

/** Accepting is a conditional transition in Postgres, so exactly one agent wins a race. */
@Injectable()
export class ConsoleQueueService {
  constructor(
    private readonly conversations: DeskSessions,
    private readonly agents: AgentRepository,
    private readonly presence: PresenceService,
    private readonly desk: DeskEvents,
    private readonly emitter: ConsoleEmitter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async items(): Promise<QueueItem[]> {
    return (await this.conversations.queued(CONSOLE_PROVIDER)).map((c, i) => ({
      conversationId: c.id,
      botId: c.botId,
      visitorKey: c.visitorKey,
      userName: c.userName,
      trigger: c.trigger,
      waitingSince: c.openedAt.toISOString(),
      position: i + 1,
    }));
  }

  async accept(conversationId: string, agent: Agent): Promise<AcceptResult> {
    const conversation = await this.conversations.byId(conversationId);
    if (!conversation || conversation.provider !== CONSOLE_PROVIDER) return { ok: false, error: 'not_found' };
    if (conversation.state !== 'queued') return { ok: false, error: 'taken' };
    const load = (await this.conversations.loadByAgent(CONSOLE_PROVIDER)).get(agent.id) ?? 0;
    if (load >= agent.maxChats) return { ok: false, error: 'at_capacity' };
    const assigned = await this.desk.assign(conversation, { id: agent.id, name: agent.name }, `agent:${agent.id}`, true);
    if (!assigned) return { ok: false, error: 'taken' };
    this.emitter.toOwner(agent.id, 'conversation', conversationView(assigned, this.conversations.historyUrl(assigned.id)));
    return { ok: true, conversation: assigned };
  }

  async route(): Promise<{ assigned: number; waiting: number }> {
    let assigned = 0;
    if (this.config.console.autoAssign) assigned = await this.autoAssign();
    const items = await this.items();
    this.emitter.toRoom(AGENTS_ROOM, 'queue', { items });
    await this.tellPositions(items);
    return { assigned, waiting: items.length };
  }

  private async autoAssign(): Promise<number> {
    let assigned = 0;
    const queued = await this.conversations.queued(CONSOLE_PROVIDER);
    if (queued.length === 0) return 0;
    const [agents, load, presence, live] = await Promise.all([this.agents.list(), this.conversations.loadByAgent(CONSOLE_PROVIDER), this.presence.all(), this.presence.liveInstances()]);
    for (const conversation of queued) {
      const candidates = [];
      for (const agent of agents) {
        if (presence.get(agent.id) !== 'available' || (load.get(agent.id) ?? 0) >= agent.maxChats) continue;
        // A crashed instance's sockets are not reaped yet, but do not count.
        if ((await this.presence.socketCount(agent.id, live)) === 0) continue;
        candidates.push(agent);
      }
      // Least loaded first; among equals, the one with the most room left.
      candidates.sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || b.maxChats - a.maxChats);
      const agent = candidates[0];
      if (!agent) break;
      const result = await this.accept(conversation.id, agent);
      if (result.ok) {
        load.set(agent.id, (load.get(agent.id) ?? 0) + 1);
        assigned++;
      }
    }
    return assigned;
  }

  private async tellPositions(items: QueueItem[]): Promise<void> {
    if (items.length === 0) return;
    const average = await this.conversations.averageWaitSeconds(CONSOLE_PROVIDER);
    for (const item of items) {
      const conversation = await this.conversations.byId(item.conversationId);
      if (!conversation || conversation.state !== 'queued') continue;
      const wait = average === null ? '' : ` Estimated wait: ${estimate(average * item.position)}.`;
      // The external id makes each place in line a notice of its own, sent once.
      await this.desk.tellUser(conversation, `You are number ${item.position} in the queue.${wait}`, `position:${item.conversationId}:${item.position}`);
    }
  }
}

function estimate(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
}
