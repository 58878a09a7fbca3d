import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  ABANDON_REASONS,
  DeskReports,
  MAX_REPORT_DAYS,
  ReportQueryError,
  TRIGGERS,
  type Durations,
  type Report,
  type ReportFigures,
  type ReportQuery,
  type ReportTeam,
} from '../desk-port/desk-reports';
import { COUNTS_SQL, DISPOSITIONS_SQL, GROUP, PERCENTILES_SQL, SETTINGS_SQL, TEAMS_SQL, type ReportParams } from './report.sql';

interface CountsRow extends Record<string, unknown> {
  day: string;
  team_id: string | null;
  agent_id: string | null;
  agent_name: string | null;
}
interface PercentilesRow {
  g: number;
  day: string | null;
  team_id: string | null;
  agent_id: string | null;
  wait: Array<number | null> | null;
  response: Array<number | null> | null;
  handle: Array<number | null> | null;
}
interface DispositionRow {
  day: string;
  team_id: string | null;
  agent_id: string | null;
  disposition: string;
  n: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;

/** Milliseconds of a real calendar day at UTC midnight, or null ("2025-02-30" is not one). */
function dayMs(text: string): number | null {
  const m = DAY.exec(text);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === text ? ms : null;
}

function knownTimeZone(name: string): boolean {
  if (name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const COUNTED = [
  'conversations', 'assigned', 'abandoned', ...ABANDON_REASONS.map((r) => `abandoned_${r}`), ...TRIGGERS.map((t) => `trigger_${t}`),
  'wait_sum', 'wait_count', 'response_sum', 'response_count', 'handle_sum', 'handle_count', 'csat_1', 'csat_2', 'csat_3', 'csat_4', 'csat_5',
];

/** The additive figures of one day, team, agent or the whole range, and its dispositions. */
class Tally {
  readonly n: Record<string, number> = Object.fromEntries(COUNTED.map((k) => [k, 0]));
  readonly dispositions: Record<string, number> = {};
  agentName: string | null = null;

  add(row: CountsRow): void {
    for (const key of COUNTED) this.n[key]! += Number(row[key] ?? 0);
  }

  figures(pct: PercentilesRow | undefined): ReportFigures {
    const n = this.n;
    const durations = (name: 'wait' | 'response' | 'handle'): Durations => {
      const count = n[`${name}_count`]!;
      return { p50: num(pct?.[name]?.[0]), p90: num(pct?.[name]?.[1]), mean: count ? n[`${name}_sum`]! / count : null, count };
    };
    const csat: ReportFigures['csat']['distribution'] = [n.csat_1!, n.csat_2!, n.csat_3!, n.csat_4!, n.csat_5!];
    const rated = csat.reduce((a, b) => a + b, 0);
    return {
      conversations: n.conversations!,
      assigned: n.assigned!,
      abandoned: n.abandoned!,
      abandonedBy: Object.fromEntries(ABANDON_REASONS.map((r) => [r, n[`abandoned_${r}`]!])) as ReportFigures['abandonedBy'],
      triggers: Object.fromEntries(TRIGGERS.map((t) => [t, n[`trigger_${t}`]!])) as ReportFigures['triggers'],
      wait: durations('wait'),
      firstResponse: durations('response'),
      handle: durations('handle'),
      csat: { count: rated, average: rated ? csat.reduce((sum, c, i) => sum + c * (i + 1), 0) / rated : null, distribution: csat },
      dispositions: this.dispositions,
    };
  }
}

/** Tallies by key, in first-seen order. */
class Tallies extends Map<string | null, Tally> {
  of(key: string | null): Tally {
    let tally = this.get(key);
    if (!tally) this.set(key, (tally = new Tally()));
    return tally;
  }
}

/** Validated parameters of both statements. */
export function reportParams(query: ReportQuery): ReportParams {
  const from = dayMs(query.from);
  const to = dayMs(query.to);
  if (from === null || to === null) throw new ReportQueryError('"from" and "to" must be days as YYYY-MM-DD');
  if (to < from) throw new ReportQueryError('"to" is before "from"');
  if ((to - from) / DAY_MS + 1 > MAX_REPORT_DAYS) throw new ReportQueryError(`A report covers at most ${MAX_REPORT_DAYS} days`);
  if (!knownTimeZone(query.timeZone)) throw new ReportQueryError('"tz" must be a time zone such as Europe/Paris');
  if (query.teamId && !UUID.test(query.teamId)) throw new ReportQueryError('"team" must be a team id');
  if (query.agentId && query.agentId.length > 200) throw new ReportQueryError('"agent" must be an agent id');
  return [query.from, query.to, query.timeZone, query.teamId || null, query.agentId || null];
}

@Injectable()
export class DeskReportsService implements DeskReports {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async report(query: ReportQuery): Promise<Report> {
    const params = reportParams(query);
    let counts: CountsRow[];
    let percentiles: PercentilesRow[];
    let dispositions: DispositionRow[];
    let teams: ReportTeam[];
    try {
      [counts, percentiles, dispositions, teams] = await Promise.all([
        this.run<CountsRow>(COUNTS_SQL, params),
        this.run<PercentilesRow>(PERCENTILES_SQL, params),
        this.run<DispositionRow>(DISPOSITIONS_SQL, params),
        this.teams(),
      ]);
    } catch (error) {
      // Postgres and ICU may disagree on a rare zone name: Postgres's refusal is still bad input.
      if ((error as { code?: string }).code === '22023') throw new ReportQueryError('"tz" must be a time zone such as Europe/Paris');
      throw error;
    }
    const total = new Tally();
    const days = new Tallies();
    const byTeam = new Tallies();
    const byAgent = new Tallies();
    for (const row of counts) {
      for (const tally of [total, days.of(row.day), byTeam.of(row.team_id), byAgent.of(row.agent_id)]) tally.add(row);
      const agent = byAgent.of(row.agent_id);
      if (row.agent_name && (agent.agentName === null || row.agent_name > agent.agentName)) agent.agentName = row.agent_name;
    }
    for (const row of dispositions) {
      for (const tally of [total, days.of(row.day), byTeam.of(row.team_id), byAgent.of(row.agent_id)]) {
        tally.dispositions[row.disposition] = (tally.dispositions[row.disposition] ?? 0) + row.n;
      }
    }
    const pct = (g: number, key: (row: PercentilesRow) => string | null, value: string | null) =>
      percentiles.find((row) => Number(row.g) === g && key(row) === value);

    const dayList: Report['days'] = [];
    for (let ms = dayMs(query.from)!; ms <= dayMs(query.to)!; ms += DAY_MS) {
      const day = new Date(ms).toISOString().slice(0, 10);
      dayList.push({ day, ...days.of(day).figures(pct(GROUP.day, (r) => r.day, day)) });
    }
    const teamName = new Map(teams.map((t) => [t.id, t.name]));
    return {
      from: query.from,
      to: query.to,
      timeZone: query.timeZone,
      teamId: params[3],
      agentId: params[4],
      total: total.figures(pct(GROUP.total, () => null, null)),
      days: dayList,
      teams: [...byTeam]
        .map(([teamId, tally]) => ({ teamId, teamName: teamId ? (teamName.get(teamId) ?? teamId) : 'No team', ...tally.figures(pct(GROUP.team, (r) => r.team_id, teamId)) }))
        .sort((a, b) => b.conversations - a.conversations || a.teamName.localeCompare(b.teamName)),
      agents: [...byAgent]
        .map(([agentId, tally]) => ({ agentId, agentName: tally.agentName, ...tally.figures(pct(GROUP.agent, (r) => r.agent_id, agentId)) }))
        .sort((a, b) => b.conversations - a.conversations || (a.agentName ?? '').localeCompare(b.agentName ?? '')),
    };
  }

  /** Each statement in a transaction of its own, for its SET LOCAL settings; they run side by side. */
  private run<T>(sql: string, params: ReportParams): Promise<T[]> {
    return this.db.transaction(async (manager) => {
      await manager.query(SETTINGS_SQL);
      return manager.query(sql, params) as Promise<T[]>;
    });
  }

  async teams(): Promise<ReportTeam[]> {
    return this.db.query(TEAMS_SQL);
  }
}
