import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { BotkitPayload } from '@agent-bridge/botkit';
import { ChangeBus } from '@agent-bridge/events';
import type { HandoffTrigger } from '../desk-port/desk-session';
import type { RoutingRule, Team } from '../desk-port/desk-teams';
import { TeamRepository } from './team.repository';

/** The ChangeBus topic of teams and routing rules. */
export const TEAMS_TOPIC = 'teams';

interface Snapshot {
  teams: Map<string, Team>;
  rules: RoutingRule[];
}

/**
 * Chooses the team of a hand-off from the routing rules, held in memory: a hand-off costs no read.
 * Every instance reloads when an admin changes teams or rules (ChangeBus), so a change routes at once.
 */
@Injectable()
export class TeamRouter implements OnModuleInit {
  private readonly logger = new Logger(TeamRouter.name);
  private snapshot: Promise<Snapshot> | null = null;

  constructor(
    private readonly repository: TeamRepository,
    private readonly bus: ChangeBus,
  ) {}

  onModuleInit(): void {
    this.bus.onChange(TEAMS_TOPIC, () => {
      this.snapshot = null;
    });
  }

  /** The first rule in position order whose conditions all hold and whose team is active; null: the general queue. */
  async choose(botId: string, trigger: HandoffTrigger, payload: BotkitPayload): Promise<Team | null> {
    const { teams, rules } = await this.current();
    for (const rule of rules) {
      if (rule.botId !== null && rule.botId !== botId) continue;
      if (rule.trigger !== null && rule.trigger !== trigger) continue;
      if (rule.contextPath !== null && textAt(payload.context, rule.contextPath) !== rule.contextValue) continue;
      const team = teams.get(rule.teamId);
      if (team?.active) return team;
    }
    return null;
  }

  /** Any team by id, inactive ones too (a chat keeps the team it was routed to). */
  async team(id: string | null): Promise<Team | null> {
    if (!id) return null;
    return (await this.current()).teams.get(id) ?? null;
  }

  private current(): Promise<Snapshot> {
    if (!this.snapshot) {
      const loading = this.load();
      this.snapshot = loading;
      // A failed read is not kept: the next hand-off tries again.
      loading.catch(() => {
        if (this.snapshot === loading) this.snapshot = null;
      });
    }
    return this.snapshot;
  }

  private async load(): Promise<Snapshot> {
    const [teams, rules] = await Promise.all([this.repository.list(), this.repository.rules()]);
    this.logger.debug(`routing: ${teams.length} team(s), ${rules.length} rule(s)`);
    return { teams: new Map(teams.map((t) => [t.id, t])), rules };
  }
}

/** The value at a dotted path of the Kore context, as text; null when absent or not a scalar. */
export function textAt(context: unknown, path: string): string | null {
  let value: unknown = context;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return null;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
