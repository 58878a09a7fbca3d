import { Injectable } from '@nestjs/common';
import { DeskTeams } from '@agent-bridge/desk-port';
import { AgentRepository } from '../agents/agent.repository';
import { ConsoleEmitter } from '../desk/console-emitter.service';
import { agentRoom } from '../desk/console-events';
import { ConsoleProvider } from '../desk/console.provider';
import { BoardService } from '../supervision/board.service';
import { AgentTeamsRepository } from './agent-teams.repository';

/**
 * After an admin changed teams, members or canned responses: each open console gets its own teams
 * and canned list (through the socket.io Redis adapter, so on every instance), and the queues are
 * planned again (who sees which chat, who may be assigned it).
 */
@Injectable()
export class TeamsBroadcast {
  constructor(
    private readonly teams: DeskTeams,
    private readonly agents: AgentRepository,
    private readonly memberships: AgentTeamsRepository,
    private readonly emitter: ConsoleEmitter,
    private readonly provider: ConsoleProvider,
    private readonly board: BoardService,
  ) {}

  async changed(reason: string): Promise<void> {
    const [teams, agents, memberships] = await Promise.all([this.teams.list(), this.agents.list(), this.memberships.all()]);
    const items = teams.filter((t) => t.active).map((t) => ({ id: t.id, name: t.name }));
    for (const agent of agents) {
      this.emitter.toRoom(agentRoom(agent.id), 'teams', { items, mine: [...(memberships.get(agent.id) ?? [])] });
      this.emitter.toRoom(agentRoom(agent.id), 'canned', { items: await this.memberships.cannedFor(agent.id) });
    }
    // The board names each chat's team: a renamed team shows its new name.
    this.board.changed();
    await this.provider.route(reason);
  }
}
