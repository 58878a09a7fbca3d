import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DeskSessions, DeskTeams, type Conversation } from '@agent-bridge/desk-port';
import { AgentRepository } from '../agents/agent.repository';
import { ConsoleEmitter } from '../desk/console-emitter.service';
import { BOARD_ROOM, CONSOLE_PROVIDER, type BoardConversation, type BoardView, type ServerToClientEvents } from '../desk/console-events';
import { PresenceService } from '../presence/presence.service';

/**
 * Events after which the board's lists differ. Messages are not among them: board sockets are in the
 * supervisors' room and get every message, which is all the page needs for "time since the last message".
 */
const CHANGES = new Set<keyof ServerToClientEvents>(['queue', 'conversation', 'conversation:closed']);

/** Changes close together (a routing pass assigning several chats) are sent as one board. */
const COALESCE_MS = 200;

/**
 * The supervisors' board: every open console conversation and every agent. Each process that makes
 * a change publishes the whole board through the Redis emitter, so board sockets on every instance get it.
 */
@Injectable()
export class BoardService implements OnModuleDestroy {
  private readonly logger = new Logger(BoardService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly conversations: DeskSessions,
    private readonly agents: AgentRepository,
    private readonly presence: PresenceService,
    private readonly emitter: ConsoleEmitter,
    private readonly teams: DeskTeams,
  ) {
    emitter.onEmit((event) => {
      if (CHANGES.has(event)) this.changed();
    });
  }

  /** Publishes the board shortly, once for every change made meanwhile. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.snapshot().then(
        (board) => this.emitter.toRoom(BOARD_ROOM, 'board', board),
        // The next change publishes the whole board again.
        (error: unknown) => this.logger.warn(`board not published: ${(error as Error).message}`),
      );
    }, COALESCE_MS);
  }

  async snapshot(): Promise<BoardView> {
    const [open, agents, load, online, teams] = await Promise.all([
      this.conversations.open(CONSOLE_PROVIDER),
      this.agents.list(),
      this.conversations.loadByAgent(CONSOLE_PROVIDER),
      this.presence.online(),
      this.teams.list(),
    ]);
    const teamNames = new Map(teams.map((t) => [t.id, t.name]));
    return {
      at: new Date().toISOString(),
      conversations: open
        .filter((c): c is Conversation & { state: 'queued' | 'assigned' } => c.state !== 'closed')
        .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime())
        .map((c) => boardConversation(c, c.teamId === null ? null : (teamNames.get(c.teamId) ?? null))),
      agents: agents.map((a) => ({
        id: a.id,
        name: a.name,
        role: a.role,
        status: online.get(a.id) ?? 'offline',
        activeChats: load.get(a.id) ?? 0,
        maxChats: a.maxChats,
      })),
    };
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

function boardConversation(c: Conversation & { state: 'queued' | 'assigned' }, teamName: string | null): BoardConversation {
  return {
    id: c.id,
    botId: c.botId,
    visitorKey: c.visitorKey,
    userName: c.userName,
    state: c.state,
    trigger: c.trigger,
    openedAt: c.openedAt.toISOString(),
    assignedAt: c.assignedAt?.toISOString() ?? null,
    agentId: c.agentId,
    agentName: c.agentName,
    lastActivityAt: c.lastActivityAt.toISOString(),
    teamId: c.teamId,
    teamName,
  };
}
