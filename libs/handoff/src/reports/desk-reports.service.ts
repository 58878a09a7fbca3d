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
import { addHistogram, newHistograms, percentiles } from './report-bins';
import { rawDaysSql, ROLLUP_SQL, SETTINGS_SQL, STATE_SQL, TEAMS_SQL, type ReportParams } from './report.sql';

/** A row of report_rollup or of rawDaysSql(): one period at one level (0 team+agent, 1 team, 2 agent, 3 all). */
interface FigureRow extends Record<string, unknown> {
  period: string;
  level: number;
  team_id: string | null;
  agent_id: string | null;
  agent_name: string | null;
  wait_hist: Buffer | null;
  response_hist: Buffer | null;
  handle_hist: Buffer | null;
  dispositions: Record<string, number> | null;
}

/** How the report reads: plain statements, and the COMPUTE ones in a transaction with SETTINGS_SQL. */
export interface ReportSource {
  query(sql: string, params: unknown[]): Promise<any[]>;
  compute(sql: string, params: unknown[]): Promise<any[]>;
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

const COUNTED = [
  'conversations', 'assigned', 'abandoned', ...ABANDON_REASONS.map((r) => `abandoned_${r}`), ...TRIGGERS.map((t) => `trigger_${t}`),
  'wait_sum', 'wait_count', 'response_sum', 'response_count', 'handle_sum', 'handle_count', 'csat_1', 'csat_2', 'csat_3', 'csat_4', 'csat_5',
];

/** The additive figures of one day, team, agent or the whole range, their histograms and dispositions. */
class Tally {
  readonly n: Record<string, number> = Object.fromEntries(COUNTED.map((k) => [k, 0]));
  readonly dispositions: Record<string, number> = {};
  readonly hist = newHistograms();
  agentName: string | null = null;

  add(row: FigureRow): void {
    for (const key of COUNTED) this.n[key]! += Number(row[key] ?? 0);
    addHistogram(this.hist, 0, row.wait_hist);
    addHistogram(this.hist, 1, row.response_hist);
    addHistogram(this.hist, 2, row.handle_hist);
    for (const [code, n] of Object.entries(row.dispositions ?? {})) this.dispositions[code] = (this.dispositions[code] ?? 0) + Number(n);
    if (row.agent_name && (this.agentName === null || row.agent_name > this.agentName)) this.agentName = row.agent_name;
  }

  merge(other: Tally): void {
    for (const key of COUNTED) this.n[key]! += other.n[key]!;
    for (let i = 0; i < this.hist.length; i++) this.hist[i]! += other.hist[i]!;
    for (const [code, n] of Object.entries(other.dispositions)) this.dispositions[code] = (this.dispositions[code] ?? 0) + n;
  }

  figures(): ReportFigures {
    const n = this.n;
    const durations = (name: 'wait' | 'response' | 'handle', metric: number): Durations => {
      const count = n[`${name}_count`]!;
      const [p50, p90] = percentiles(this.hist, metric);
      return { p50, p90, mean: count ? n[`${name}_sum`]! / count : null, count };
    };
    const csat: ReportFigures['csat']['distribution'] = [n.csat_1!, n.csat_2!, n.csat_3!, n.csat_4!, n.csat_5!];
    const rated = csat.reduce((a, b) => a + b, 0);
    return {
      conversations: n.conversations!,
      assigned: n.assigned!,
      abandoned: n.abandoned!,
      abandonedBy: Object.fromEntries(ABANDON_REASONS.map((r) => [r, n[`abandoned_${r}`]!])) as ReportFigures['abandonedBy'],
      triggers: Object.fromEntries(TRIGGERS.map((t) => [t, n[`trigger_${t}`]!])) as ReportFigures['triggers'],
      wait: durations('wait', 0),
      firstResponse: durations('response', 1),
      handle: durations('handle', 2),
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

/** Which days the rollup answers for, by whole months where it can, and which are read from the rows. */
export interface ReportPlan {
  /** Days read from the rollup's day rows (the per-day figures). */
  rolledDays: string[];
  /** First days of whole months in range read from the rollup's month rows (per team and agent). */
  months: string[];
  /** Rolled days outside those months (per team and agent). */
  groupDays: string[];
  /** Days read from the conversations: not rolled up yet, changed since, or the whole range in another zone. */
  rawDays: string[];
}

export function planReport(days: string[], timeZone: string, state: { time_zone: string; rolled_until: string | null; dirty: string[] } | undefined): ReportPlan {
  if (!state || state.time_zone !== timeZone || !state.rolled_until) return { rolledDays: [], months: [], groupDays: [], rawDays: days };
  const dirty = new Set(state.dirty);
  const rolled = new Set(days.filter((d) => d < state.rolled_until! && !dirty.has(d)));
  const byMonth = new Map<string, string[]>();
  for (const d of days) byMonth.set(d.slice(0, 7), [...(byMonth.get(d.slice(0, 7)) ?? []), d]);
  const months: string[] = [];
  const inMonths = new Set<string>();
  for (const [month, its] of byMonth) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const length = new Date(Date.UTC(y, m, 0)).getUTCDate();
    if (its.length === length && its.every((d) => rolled.has(d))) {
      months.push(`${month}-01`);
      for (const d of its) inMonths.add(d);
    }
  }
  return {
    rolledDays: days.filter((d) => rolled.has(d)),
    months,
    groupDays: days.filter((d) => rolled.has(d) && !inMonths.has(d)),
    rawDays: days.filter((d) => !rolled.has(d)),
  };
}

/**
 * The report: the rollup for the days it holds in this zone, the conversations themselves for the
 * rest (today, days changed since the rollup ran, or every day in another zone), added up here.
 */
export async function readReport(source: ReportSource, query: ReportQuery): Promise<Report> {
  const params = reportParams(query);
  const [from, to, timeZone, teamId, agentId] = params;
  const days: string[] = [];
  for (let ms = dayMs(from)!; ms <= dayMs(to)!; ms += DAY_MS) days.push(new Date(ms).toISOString().slice(0, 10));
  const plan = planReport(days, timeZone, (await source.query(STATE_SQL, [from, to]))[0]);
  // The level each breakdown reads: per day at the filter's level; per team and per agent beneath it.
  const dayLevel = teamId && agentId ? 0 : teamId ? 1 : agentId ? 2 : 3;
  const teamLevel = agentId ? 0 : 1;
  const agentLevel = teamId ? 0 : 2;
  const rollup = (daysOf: string[], months: string[], level: number): Promise<FigureRow[]> =>
    daysOf.length || months.length ? source.query(ROLLUP_SQL, [daysOf, months, level, teamId, agentId]) : Promise.resolve([]);
  let dayRows: FigureRow[];
  let teamRows: FigureRow[];
  let agentRows: FigureRow[];
  let rawRows: FigureRow[];
  let teams: ReportTeam[];
  try {
    [dayRows, teamRows, agentRows, rawRows, teams] = await Promise.all([
      rollup(plan.rolledDays, [], dayLevel),
      rollup(plan.groupDays, plan.months, teamLevel),
      rollup(plan.groupDays, plan.months, agentLevel),
      plan.rawDays.length
        ? source.compute(rawDaysSql([...new Set([dayLevel, teamLevel, agentLevel])]), [plan.rawDays, timeZone, teamId, agentId])
        : Promise.resolve([]),
      source.query(TEAMS_SQL, []) as Promise<ReportTeam[]>,
    ]);
  } catch (error) {
    // Postgres and ICU may disagree on a rare zone name: Postgres's refusal is still bad input.
    if ((error as { code?: string }).code === '22023') throw new ReportQueryError('"tz" must be a time zone such as Europe/Paris');
    throw error;
  }
  const byDay = new Tallies();
  const byTeam = new Tallies();
  const byAgent = new Tallies();
  for (const row of [...dayRows, ...rawRows.filter((r) => Number(r.level) === dayLevel)]) byDay.of(row.period).add(row);
  for (const row of [...teamRows, ...rawRows.filter((r) => Number(r.level) === teamLevel)]) byTeam.of(row.team_id).add(row);
  for (const row of [...agentRows, ...rawRows.filter((r) => Number(r.level) === agentLevel)]) byAgent.of(row.agent_id).add(row);
  const total = new Tally();
  for (const d of days) total.merge(byDay.of(d));
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  return {
    from,
    to,
    timeZone,
    teamId,
    agentId,
    total: total.figures(),
    days: days.map((day) => ({ day, ...byDay.of(day).figures() })),
    teams: [...byTeam]
      .map(([id, tally]) => ({ teamId: id, teamName: id ? (teamName.get(id) ?? id) : 'No team', ...tally.figures() }))
      .sort((a, b) => b.conversations - a.conversations || a.teamName.localeCompare(b.teamName)),
    agents: [...byAgent]
      .map(([id, tally]) => ({ agentId: id, agentName: tally.agentName, ...tally.figures() }))
      .sort((a, b) => b.conversations - a.conversations || (a.agentName ?? '').localeCompare(b.agentName ?? '')),
  };
}

@Injectable()
export class DeskReportsService implements DeskReports {
  private readonly source: ReportSource;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.source = {
      query: (sql, params) => this.db.query(sql, params),
      // In a transaction of its own, for its SET LOCAL settings; the statements run side by side.
      compute: (sql, params) =>
        this.db.transaction(async (manager) => {
          await manager.query(SETTINGS_SQL);
          return manager.query(sql, params);
        }),
    };
  }

  report(query: ReportQuery): Promise<Report> {
    return readReport(this.source, query);
  }

  async teams(): Promise<ReportTeam[]> {
    return this.db.query(TEAMS_SQL);
  }
}
