import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TeamHoursSettings, type TeamHoursView } from '../desk-port/team-hours';
import { describeOpening, openState, type WeeklyHours } from './business-hours';
import { parseHoursChange } from './hours-input';

interface TeamRow {
  id: string;
  name: string;
  active: boolean;
  time_zone: string;
  weekly_hours: WeeklyHours | null;
  holidays: string[];
  closed_action: 'bot' | 'message';
}

const COLUMNS = 'id, name, active, time_zone, weekly_hours, holidays, closed_action';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The hours columns of the engine's teams; the rest of a team is the teams admin's. */
@Injectable()
export class TeamHoursService implements TeamHoursSettings {
  private readonly logger = new Logger(TeamHoursService.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(): Promise<TeamHoursView[]> {
    const rows: TeamRow[] = await this.db.query(`SELECT ${COLUMNS} FROM teams ORDER BY active DESC, lower(name)`);
    const now = new Date();
    return rows.map((row) => view(row, now));
  }

  async get(teamId: string): Promise<TeamHoursView | null> {
    if (!UUID.test(teamId)) return null;
    const [row]: TeamRow[] = await this.db.query(`SELECT ${COLUMNS} FROM teams WHERE id = $1`, [teamId]);
    return row ? view(row, new Date()) : null;
  }

  async update(teamId: string, change: unknown, by: string): Promise<TeamHoursView | { error: string } | null> {
    if (!UUID.test(teamId)) return null;
    const parsed = parseHoursChange(change);
    if (typeof parsed === 'string') return { error: parsed };
    const [row]: TeamRow[] = await this.db.query(
      `WITH changed AS (
         UPDATE teams SET time_zone = $2, weekly_hours = $3::jsonb, holidays = $4::jsonb, closed_action = $5 WHERE id = $1 RETURNING ${COLUMNS}
       ) SELECT * FROM changed`,
      [teamId, parsed.timeZone, parsed.weeklyHours === null ? null : JSON.stringify(parsed.weeklyHours), JSON.stringify(parsed.holidays), parsed.closedAction],
    );
    if (!row) return null;
    this.logger.log(`team ${teamId}: hours changed by ${by}`);
    return view(row, new Date());
  }
}

function view(row: TeamRow, now: Date): TeamHoursView {
  const state = openState({ timeZone: row.time_zone, weekly: row.weekly_hours, holidays: row.holidays }, now);
  return {
    teamId: row.id,
    name: row.name,
    active: row.active,
    timeZone: row.time_zone,
    weeklyHours: row.weekly_hours,
    holidays: row.holidays,
    closedAction: row.closed_action,
    openNow: state.open,
    nextOpen: state.nextOpen?.toISOString() ?? null,
    nextOpenText: state.nextOpen ? describeOpening(state.nextOpen, row.time_zone) : null,
  };
}
