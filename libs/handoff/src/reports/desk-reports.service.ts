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
import { DISPOSITIONS_SQL, GROUP, METRICS_SQL, TEAMS_SQL, type ReportParams } from './report.sql';

type MetricsRow = Record<string, unknown> & { g: number; day: string | null; team_id: string | null; agent_id: string | null; agent_name: string | null };
interface DispositionRow {
  g: number;
  day: string | null;
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

function durations(row: MetricsRow, name: string): Durations {
  const pct = row[`${name}_pct`] as Array<number | null> | null;
  return { p50: num(pct?.[0]), p90: num(pct?.[1]), mean: num(row[`${name}_mean`]), count: Number(row[`${name}_count`]) };
}

function figures(row: MetricsRow | undefined, dispositions: Record<string, number>): ReportFigures {
  if (!row) return emptyFigures(dispositions);
  const n = (key: string): number => Number(row[key] ?? 0);
  return {
    conversations: n('conversations'),
    assigned: n('assigned'),
    abandoned: n('abandoned'),
    abandonedBy: Object.fromEntries(ABANDON_REASONS.map((r) => [r, n(`abandoned_${r}`)])) as ReportFigures['abandonedBy'],
    triggers: Object.fromEntries(TRIGGERS.map((t) => [t, n(`trigger_${t}`)])) as ReportFigures['triggers'],
    wait: durations(row, 'wait'),
    firstResponse: durations(row, 'response'),
    handle: durations(row, 'handle'),
    csat: { count: n('csat_count'), average: num(row.csat_mean), distribution: [n('csat_1'), n('csat_2'), n('csat_3'), n('csat_4'), n('csat_5')] },
    dispositions,
  };
}

function emptyFigures(dispositions: Record<string, number> = {}): ReportFigures {
  const none: Durations = { p50: null, p90: null, mean: null, count: 0 };
  return {
    conversations: 0,
    assigned: 0,
    abandoned: 0,
    abandonedBy: Object.fromEntries(ABANDON_REASONS.map((r) => [r, 0])) as ReportFigures['abandonedBy'],
    triggers: Object.fromEntries(TRIGGERS.map((t) => [t, 0])) as ReportFigures['triggers'],
    wait: none,
    firstResponse: { ...none },
    handle: { ...none },
    csat: { count: 0, average: null, distribution: [0, 0, 0, 0, 0] },
    dispositions,
  };
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
    let metrics: MetricsRow[];
    let dispositionRows: DispositionRow[];
    let teams: ReportTeam[];
    try {
      [metrics, dispositionRows, teams] = await Promise.all([this.db.query(METRICS_SQL, params), this.db.query(DISPOSITIONS_SQL, params), this.teams()]);
    } catch (error) {
      // Postgres and ICU may disagree on a rare zone name: Postgres's refusal is still bad input.
      if ((error as { code?: string }).code === '22023') throw new ReportQueryError('"tz" must be a time zone such as Europe/Paris');
      throw error;
    }
    const dispositionsOf = (g: number, key: (row: DispositionRow) => string | null, value: string | null): Record<string, number> =>
      Object.fromEntries(dispositionRows.filter((r) => r.g === g && key(r) === value).map((r) => [r.disposition, r.n]));
    const at = (g: number) => metrics.filter((r) => Number(r.g) === g);

    const byDay = new Map(at(GROUP.day).map((r) => [r.day!, r]));
    const days: Report['days'] = [];
    for (let ms = dayMs(query.from)!; ms <= dayMs(query.to)!; ms += DAY_MS) {
      const day = new Date(ms).toISOString().slice(0, 10);
      days.push({ day, ...figures(byDay.get(day), dispositionsOf(GROUP.day, (r) => r.day, day)) });
    }
    const teamName = new Map(teams.map((t) => [t.id, t.name]));
    return {
      from: query.from,
      to: query.to,
      timeZone: query.timeZone,
      teamId: params[3],
      agentId: params[4],
      total: figures(at(GROUP.total)[0], dispositionsOf(GROUP.total, () => null, null)),
      days,
      teams: at(GROUP.team)
        .map((r) => ({ teamId: r.team_id, teamName: r.team_id ? (teamName.get(r.team_id) ?? r.team_id) : 'No team', ...figures(r, dispositionsOf(GROUP.team, (d) => d.team_id, r.team_id)) }))
        .sort((a, b) => b.conversations - a.conversations || a.teamName.localeCompare(b.teamName)),
      agents: at(GROUP.agent)
        .map((r) => ({ agentId: r.agent_id, agentName: r.agent_name, ...figures(r, dispositionsOf(GROUP.agent, (d) => d.agent_id, r.agent_id)) }))
        .sort((a, b) => b.conversations - a.conversations || (a.agentName ?? '').localeCompare(b.agentName ?? '')),
    };
  }

  async teams(): Promise<ReportTeam[]> {
    return this.db.query(TEAMS_SQL);
  }
}
