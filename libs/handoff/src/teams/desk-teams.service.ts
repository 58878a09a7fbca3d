import { Injectable } from '@nestjs/common';
import { ChangeBus } from '@agent-bridge/events';
import { HandoffService } from '../conversations/handoff.service';
import type { Conversation } from '../desk-port/desk-session';
import { DeskTeams, type RoutingRule, type RoutingRuleInput, type Team, type TeamChange, type TeamInput } from '../desk-port/desk-teams';
import { TEAMS_TOPIC } from './team-router.service';
import { TeamRepository } from './team.repository';

/** The port's teams: each write is committed, then every instance's routing reloads. */
@Injectable()
export class DeskTeamsService implements DeskTeams {
  constructor(
    private readonly repository: TeamRepository,
    private readonly bus: ChangeBus,
    private readonly handoff: HandoffService,
  ) {}

  list(): Promise<Team[]> {
    return this.repository.list();
  }

  byId(id: string): Promise<Team | null> {
    return this.repository.byId(id);
  }

  async create(input: TeamInput): Promise<Team | TeamChange> {
    return this.changed(await this.repository.create(input));
  }

  async update(id: string, change: Partial<TeamInput>): Promise<Team | TeamChange> {
    return this.changed(await this.repository.update(id, change));
  }

  rules(): Promise<RoutingRule[]> {
    return this.repository.rules();
  }

  async replaceRules(rules: RoutingRuleInput[]): Promise<RoutingRule[] | 'bad_team'> {
    return this.changed(await this.repository.replaceRules(rules));
  }

  moveToTeam(conversation: Conversation, teamId: string, actor: string): Promise<Conversation | null> {
    return this.handoff.moveToTeam(conversation, teamId, actor, 'team_transfer');
  }

  private async changed<T>(result: T): Promise<T> {
    if (typeof result !== 'string') await this.bus.changed(TEAMS_TOPIC);
    return result;
  }
}
