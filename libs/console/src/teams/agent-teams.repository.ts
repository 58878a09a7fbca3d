import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/**
 * Which console agents sit in which team: the console's own table (the engine knows teams, not
 * agents). Read on every queue re-plan, so a membership change routes at once on every instance.
 */
@Injectable()
export class AgentTeamsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async teamsOf(agentId: string): Promise<string[]> {
    const rows: Array<{ team_id: string }> = await this.db.query(`SELECT team_id FROM agent_teams WHERE agent_id = $1 ORDER BY team_id`, [agentId]);
    return rows.map((r) => r.team_id);
  }

  /** Agent id -> team ids. */
  async all(): Promise<Map<string, Set<string>>> {
    const rows: Array<{ agent_id: string; team_id: string }> = await this.db.query(`SELECT agent_id, team_id FROM agent_teams`);
    const out = new Map<string, Set<string>>();
    for (const r of rows) out.set(r.agent_id, (out.get(r.agent_id) ?? new Set()).add(r.team_id));
    return out;
  }

  async members(teamId: string): Promise<string[]> {
    const rows: Array<{ agent_id: string }> = await this.db.query(`SELECT agent_id FROM agent_teams WHERE team_id = $1`, [teamId]);
    return rows.map((r) => r.agent_id);
  }

  /** Replaces one team's members in one transaction; false when an agent id names nobody. */
  async setMembers(teamId: string, agentIds: string[]): Promise<boolean> {
    return this.replace(`DELETE FROM agent_teams WHERE team_id = $1`, teamId, agentIds.map((agentId) => [agentId, teamId]));
  }

  /** Replaces one agent's teams; false when a team id names no team. */
  async setTeams(agentId: string, teamIds: string[]): Promise<boolean> {
    return this.replace(`DELETE FROM agent_teams WHERE agent_id = $1`, agentId, teamIds.map((teamId) => [agentId, teamId]));
  }

  private async replace(clear: string, id: string, pairs: string[][]): Promise<boolean> {
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(clear, [id]);
        if (pairs.length > 0) {
          await tx.query(`INSERT INTO agent_teams (agent_id, team_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`, [
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
          ]);
        }
      });
      return true;
    } catch (error) {
      const e = error as { code?: unknown; driverError?: { code?: unknown } };
      if ((e.driverError?.code ?? e.code) === '23503') return false;
      throw error;
    }
  }

  /** Global canned responses and those of the agent's teams. */
  async cannedFor(agentId: string): Promise<Array<{ shortcut: string; title: string; text: string }>> {
    return this.db.query(
      `SELECT shortcut, title, text FROM canned_responses
       WHERE team_id IS NULL OR team_id IN (SELECT team_id FROM agent_teams WHERE agent_id = $1) ORDER BY shortcut`,
      [agentId],
    );
  }
}
