import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { DeskEvents, DeskSessions, DeskTeams, type Conversation } from '@agent-bridge/desk-port';
import { ConsoleEmitter } from '../desk/console-emitter.service';
import { CONSOLE_PROVIDER, agentRoom, conversationView, type QueueItem } from '../desk/console-events';
import { AgentRepository, type Agent } from '../agents/agent.repository';
import { PresenceService } from '../presence/presence.service';
import { AgentTeamsRepository } from '../teams/agent-teams.repository';

export type AcceptResult = { ok: true; conversation: Conversation } | { ok: false; error: 'taken' | 'at_capacity' | 'not_found' | 'other_team' };

/**
 * An agent sees and takes the general queue and their teams' queues; supervisors and admins see
 * every queue. A chat with no team is anyone's, as before teams.
 */
export function mayTake(agent: Pick<Agent, 'role'>, teamId: string | null, agentTeams: ReadonlySet<string> | readonly string[]): boolean {
  if (teamId === null || agent.role !== 'agent') return true;
  return Array.isArray(agentTeams) ? agentTeams.includes(teamId) : (agentTeams as ReadonlySet<string>).has(teamId);
}

/** Accepting is a conditional transition in Postgres, so exactly one agent wins a race. */
@Injectable()
export class ConsoleQueueService {
  constructor(
    private readonly conversations: DeskSessions,
    private readonly agents: AgentRepository,
    private readonly presence: PresenceService,
    private readonly desk: DeskEvents,
    private readonly teams: DeskTeams,
    private readonly memberships: AgentTeamsRepository,
    private readonly emitter: ConsoleEmitter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every waiting chat, each with its place in its own team's queue. */
  async items(): Promise<QueueItem[]> {
    const [queued, teams] = await Promise.all([this.conversations.queued(CONSOLE_PROVIDER), this.teams.list()]);
    const names = new Map(teams.map((t) => [t.id, t.name]));
    const places = new Map<string | null, number>();
    return queued.map((c) => {
      const position = (places.get(c.teamId) ?? 0) + 1;
      places.set(c.teamId, position);
      return {
        conversationId: c.id,
        botId: c.botId,
        visitorKey: c.visitorKey,
        userName: c.userName,
        trigger: c.trigger,
        waitingSince: c.openedAt.toISOString(),
        position,
        teamId: c.teamId,
        teamName: c.teamId ? (names.get(c.teamId) ?? null) : null,
      };
    });
  }

  /** The queues this agent sees. */
  async itemsFor(agent: Agent): Promise<QueueItem[]> {
    const [items, mine] = await Promise.all([this.items(), this.memberships.teamsOf(agent.id)]);
    return items.filter((item) => mayTake(agent, item.teamId, mine));
  }

  async accept(conversationId: string, agent: Agent): Promise<AcceptResult> {
    const conversation = await this.conversations.byId(conversationId);
    if (!conversation || conversation.provider !== CONSOLE_PROVIDER) return { ok: false, error: 'not_found' };
    if (conversation.state !== 'queued') return { ok: false, error: 'taken' };
    if (!mayTake(agent, conversation.teamId, await this.memberships.teamsOf(agent.id))) return { ok: false, error: 'other_team' };
    const load = (await this.conversations.loadByAgent(CONSOLE_PROVIDER)).get(agent.id) ?? 0;
    if (load >= agent.maxChats) return { ok: false, error: 'at_capacity' };
    const assigned = await this.desk.assign(conversation, { id: agent.id, name: agent.name }, `agent:${agent.id}`, true);
    if (!assigned) return { ok: false, error: 'taken' };
    this.emitter.toOwner(agent.id, 'conversation', conversationView(assigned, this.conversations.historyUrl(assigned.id)));
    return { ok: true, conversation: assigned };
  }

  async route(): Promise<{ assigned: number; waiting: number }> {
    let assigned = 0;
    const [agents, memberships] = await Promise.all([this.agents.list(), this.memberships.all()]);
    if (this.config.console.autoAssign) assigned = await this.autoAssign(agents, memberships);
    const items = await this.items();
    // Each agent gets the queues they may see, in their own room (every instance, through Redis).
    for (const agent of agents) {
      const mine = memberships.get(agent.id) ?? new Set<string>();
      this.emitter.toRoom(agentRoom(agent.id), 'queue', { items: items.filter((item) => mayTake(agent, item.teamId, mine)) });
    }
    await this.tellPositions(items);
    return { assigned, waiting: items.length };
  }

  private async autoAssign(agents: Agent[], memberships: Map<string, Set<string>>): Promise<number> {
    let assigned = 0;
    const queued = await this.conversations.queued(CONSOLE_PROVIDER);
    if (queued.length === 0) return 0;
    const [load, presence, live] = await Promise.all([this.conversations.loadByAgent(CONSOLE_PROVIDER), this.presence.all(), this.presence.liveInstances()]);
    const ready: Agent[] = [];
    for (const agent of agents) {
      if (presence.get(agent.id) !== 'available') continue;
      // A crashed instance's sockets are not reaped yet, but do not count.
      if ((await this.presence.socketCount(agent.id, live)) === 0) continue;
      ready.push(agent);
    }
    for (const conversation of queued) {
      // A team's chat goes to a member of the team (whatever their role); a chat with no team to anyone.
      const candidates = ready.filter(
        (agent) => (load.get(agent.id) ?? 0) < agent.maxChats && (conversation.teamId === null || (memberships.get(agent.id)?.has(conversation.teamId) ?? false)),
      );
      // Least loaded first; among equals, the one with the most room left.
      candidates.sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || b.maxChats - a.maxChats);
      const agent = candidates[0];
      // Nobody for this team: the next chat may belong to a team with someone free.
      if (!agent) continue;
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
    const averages = new Map<string | null, number | null>();
    for (const item of items) {
      if (!averages.has(item.teamId)) averages.set(item.teamId, await this.conversations.averageWaitSeconds(CONSOLE_PROVIDER, undefined, item.teamId));
    }
    for (const item of items) {
      const conversation = await this.conversations.byId(item.conversationId);
      if (!conversation || conversation.state !== 'queued') continue;
      const average = averages.get(item.teamId) ?? null;
      const wait = average === null ? '' : ` Estimated wait: ${estimate(average * item.position)}.`;
      // The external id makes each place in a queue a notice of its own, sent once; a move to another team's queue counts afresh.
      const queue = item.teamId ?? 'general';
      await this.desk.tellUser(conversation, `You are number ${item.position} in the queue.${wait}`, `position:${item.conversationId}:${queue}:${item.position}`);
    }
  }
}

function estimate(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
}
