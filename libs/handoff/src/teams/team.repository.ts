import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RoutingRule, RoutingRuleInput, Team, TeamChange, TeamInput } from '../desk-port/desk-teams';

interface TeamRow {
  id: string;
  name: string;
  active: boolean;
  overflow_seconds: number | null;
  fallback_team_id: string | null;
  desk_groups: Record<string, string>;
  created_at: Date;
}

interface RuleRow {
  id: number;
  position: number;
  bot_id: string | null;
  trigger: RoutingRule['trigger'];
  context_path: string | null;
  context_value: string | null;
  team_id: string;
}

const TEAM_COLUMNS = 'id, name, active, overflow_seconds, fallback_team_id, desk_groups, created_at';

const toTeam = (r: TeamRow): Team => ({
  id: r.id,
  name: r.name,
  active: r.active,
  overflowSeconds: r.overflow_seconds,
  fallbackTeamId: r.fallback_team_id,
  deskGroups: r.desk_groups ?? {},
  createdAt: r.created_at,
});

const toRule = (r: RuleRow): RoutingRule => ({
  id: r.id,
  position: r.position,
  botId: r.bot_id,
  trigger: r.trigger,
  contextPath: r.context_path,
  contextValue: r.context_value,
  teamId: r.team_id,
});

/** Postgres error codes the admin's input can cause. */
const UNIQUE = '23505';
const FOREIGN_KEY = '23503';
const CHECK = '23514';
const codeOf = (error: unknown): string | undefined => (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;

/** The engine's `teams` and `routing_rules`. Teams are deactivated, never deleted: conversations keep their id. */
@Injectable()
export class TeamRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(): Promise<Team[]> {
    const rows: TeamRow[] = await this.db.query(`SELECT ${TEAM_COLUMNS} FROM teams ORDER BY lower(name)`);
    return rows.map(toTeam);
  }

  async byId(id: string): Promise<Team | null> {
    const rows: TeamRow[] = await this.db.query(`SELECT ${TEAM_COLUMNS} FROM teams WHERE id = $1`, [id]);
    return rows[0] ? toTeam(rows[0]) : null;
  }

  async create(input: TeamInput): Promise<Team | TeamChange> {
    try {
      const rows: TeamRow[] = await this.db.query(
        `INSERT INTO teams (name, active, overflow_seconds, fallback_team_id, desk_groups) VALUES ($1, $2, $3, $4, $5) RETURNING ${TEAM_COLUMNS}`,
        [input.name, input.active ?? true, input.overflowSeconds ?? null, input.fallbackTeamId ?? null, JSON.stringify(input.deskGroups ?? {})],
      );
      return toTeam(rows[0]!);
    } catch (error) {
      return failure(error);
    }
  }

  async update(id: string, change: Partial<TeamInput>): Promise<Team | TeamChange> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (change.name !== undefined) set('name', change.name);
    if (change.active !== undefined) set('active', change.active);
    if (change.overflowSeconds !== undefined) set('overflow_seconds', change.overflowSeconds);
    if (change.fallbackTeamId !== undefined) set('fallback_team_id', change.fallbackTeamId);
    if (change.deskGroups !== undefined) set('desk_groups', JSON.stringify(change.deskGroups));
    if (sets.length === 0) return (await this.byId(id)) ?? 'not_found';
    try {
      const rows: TeamRow[] = await this.db.query(`WITH changed AS (UPDATE teams SET ${sets.join(', ')} WHERE id = $1 RETURNING ${TEAM_COLUMNS}) SELECT * FROM changed`, params);
      return rows[0] ? toTeam(rows[0]) : 'not_found';
    } catch (error) {
      return failure(error);
    }
  }

  async rules(): Promise<RoutingRule[]> {
    const rows: RuleRow[] = await this.db.query(
      `SELECT id, position, bot_id, trigger, context_path, context_value, team_id FROM routing_rules ORDER BY position, id`,
    );
    return rows.map(toRule);
  }

  /** The whole ordered list in one transaction: routing never sees half of an edit. */
  async replaceRules(rules: RoutingRuleInput[]): Promise<RoutingRule[] | 'bad_team'> {
    try {
      return await this.db.transaction(async (manager) => {
        await manager.query('DELETE FROM routing_rules');
        const out: RoutingRule[] = [];
        for (const [position, rule] of rules.entries()) {
          const [row]: RuleRow[] = await manager.query(
            `INSERT INTO routing_rules (position, bot_id, trigger, context_path, context_value, team_id) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id, position, bot_id, trigger, context_path, context_value, team_id`,
            [position, rule.botId, rule.trigger, rule.contextPath, rule.contextValue, rule.teamId],
          );
          out.push(toRule(row!));
        }
        return out;
      });
    } catch (error) {
      if (codeOf(error) === FOREIGN_KEY) return 'bad_team';
      throw error;
    }
  }
}

function failure(error: unknown): TeamChange {
  const code = codeOf(error);
  if (code === UNIQUE) return 'name_taken';
  if (code === FOREIGN_KEY || code === CHECK) return 'bad_fallback';
  throw error;
}
