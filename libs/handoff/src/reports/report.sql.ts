import { ABANDON_REASONS, TRIGGERS } from '../desk-port/desk-reports';
import { EDGES_SQL } from './report-bins';

/*
 * The report's statements, kept apart from the service so the bench times exactly these.
 *
 * COMPUTE: the figures of some local days (or of whole months) straight from the conversations, at
 * four levels: grouping(team_id, agent_id) = 0 per team and agent, 1 per team, 2 per agent, 3 all.
 * The rollup job stores its rows in report_rollup; the service reads it for days the rollup does not
 * hold (not reached yet, changed since, or another time zone). Each day is its own range of the
 * covering index conversations_report (a nested loop over the days).
 * $1 the local days (date[]), $2 time zone, $3 team id or null, $4 agent id or null.
 */

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

// Clock skew between processes must not make a negative duration; NULL (not measured) stays NULL.
const WAIT = `CASE WHEN c.assigned_at IS NOT NULL THEN extract(epoch FROM greatest(c.assigned_at - c.opened_at, interval '0'))::float8 END`;
// A desk may show the agent's first line just before it reports the join.
// (greatest() skips NULLs: an unanswered conversation must stay NULL, not 0.)
const RESPONSE = `CASE WHEN c.first_response_at IS NOT NULL THEN extract(epoch FROM greatest(c.first_response_at - c.assigned_at, interval '0'))::float8 END`;
const HANDLE = `CASE WHEN c.closed_at IS NOT NULL AND c.assigned_at IS NOT NULL THEN extract(epoch FROM greatest(c.closed_at - c.assigned_at, interval '0'))::float8 END`;
const ABANDONED = `r.assigned_at IS NULL AND r.state = 'closed' AND r.close_reason IN (${list(ABANDON_REASONS)})`;

/** The columns of a rollup row after kind, in the order COMPUTE yields them. */
export const ROLLUP_COLUMNS = [
  'period', 'level', 'team_id', 'agent_id', 'agent_name', 'conversations', 'assigned', 'abandoned',
  ...ABANDON_REASONS.map((r) => `abandoned_${r}`), ...TRIGGERS.map((t) => `trigger_${t}`),
  'wait_sum', 'wait_count', 'response_sum', 'response_count', 'handle_sum', 'handle_count', 'csat_1', 'csat_2', 'csat_3', 'csat_4', 'csat_5',
  'wait_hist', 'response_hist', 'handle_hist', 'dispositions',
];

/** grouping(team_id, agent_id) of each level's grouping set. */
const LEVEL_SETS = ['(period, team_id, agent_id)', '(period, team_id)', '(period, agent_id)', '(period)'];
const pairs = (list: string) =>
  `(SELECT string_agg(int2send(u.b) || int4send(u.n), ''::bytea ORDER BY u.b) FROM (SELECT b, count(*)::int AS n FROM unnest(${list}) AS b GROUP BY b) u)`;

/**
 * `kind` day: per local day; month: per month of local days (all the days of the months must be in $1).
 * One grouping pass over the rows (a list of bins per cell, counted per cell after): a join of separately
 * grouped histograms was planned as a merge on the period alone, quadratic in the cells of a day.
 */
export function computeSql(kind: 'day' | 'month', levels: readonly number[] = [0, 1, 2, 3]): string {
  const period = kind === 'day' ? 'd.day' : `date_trunc('month', d.day)::date`;
  // GROUPING() and the select list may name only columns some grouping set has.
  const hasTeam = levels.some((l) => l === 0 || l === 1);
  const hasAgent = levels.some((l) => l === 0 || l === 2);
  const level = hasTeam && hasAgent ? 'grouping(team_id, agent_id)' : hasTeam ? '1 + 2 * grouping(team_id)' : hasAgent ? '2 + grouping(agent_id)' : '3';
  return `SELECT x.period, x.level, x.team_id, x.agent_id, x.agent_name, x.conversations, x.assigned, x.abandoned,
    ${ABANDON_REASONS.map((a) => `x.abandoned_${a}`).join(', ')}, ${TRIGGERS.map((t) => `x.trigger_${t}`).join(', ')},
    x.wait_sum, x.wait_count, x.response_sum, x.response_count, x.handle_sum, x.handle_count, x.csat_1, x.csat_2, x.csat_3, x.csat_4, x.csat_5,
    ${pairs('x.wait_bins')} AS wait_hist, ${pairs('x.response_bins')} AS response_hist, ${pairs('x.handle_bins')} AS handle_hist,
    (SELECT jsonb_object_agg(u.v, u.n) FROM (SELECT v, count(*)::int AS n FROM unnest(x.disposition_list) AS v GROUP BY v) u) AS dispositions
  FROM (
    SELECT period, (${level})::int2 AS level, ${hasTeam ? 'team_id' : 'NULL::uuid AS team_id'}, ${hasAgent ? 'agent_id' : 'NULL::text AS agent_id'},
      max(agent_name) AS agent_name,
      count(*)::int AS conversations, count(assigned_at)::int AS assigned, count(*) FILTER (WHERE ${ABANDONED})::int AS abandoned,
      ${ABANDON_REASONS.map((a) => `count(*) FILTER (WHERE ${ABANDONED} AND r.close_reason = '${a}')::int AS abandoned_${a}`).join(',\n      ')},
      ${TRIGGERS.map((t) => `count(*) FILTER (WHERE r.trigger = '${t}')::int AS trigger_${t}`).join(', ')},
      sum(wait_s) AS wait_sum, count(wait_s)::int AS wait_count, sum(response_s) AS response_sum, count(response_s)::int AS response_count,
      sum(handle_s) AS handle_sum, count(handle_s)::int AS handle_count,
      ${[1, 2, 3, 4, 5].map((s) => `count(*) FILTER (WHERE r.csat_score = ${s})::int AS csat_${s}`).join(', ')},
      array_agg(width_bucket(wait_s, ${EDGES_SQL})::int2) FILTER (WHERE wait_s IS NOT NULL) AS wait_bins,
      array_agg(width_bucket(response_s, ${EDGES_SQL})::int2) FILTER (WHERE response_s IS NOT NULL) AS response_bins,
      array_agg(width_bucket(handle_s, ${EDGES_SQL})::int2) FILTER (WHERE handle_s IS NOT NULL) AS handle_bins,
      array_agg(disposition) FILTER (WHERE disposition IS NOT NULL) AS disposition_list
    FROM (
      SELECT ${period} AS period, c.team_id, c.agent_id, c.agent_name, c.trigger, c.state, c.close_reason, c.assigned_at, c.csat_score, c.disposition,
        ${WAIT} AS wait_s, ${RESPONSE} AS response_s, ${HANDLE} AS handle_s
      FROM unnest($1::date[]) AS d(day)
      JOIN conversations c ON c.opened_at >= (d.day::timestamp AT TIME ZONE $2::text) AND c.opened_at < ((d.day + 1)::timestamp AT TIME ZONE $2::text)
      WHERE ($3::uuid IS NULL OR c.team_id = $3::uuid) AND ($4::text IS NULL OR c.agent_id = $4::text)
    ) r
    GROUP BY GROUPING SETS (${levels.map((l) => LEVEL_SETS[l]).join(', ')})
  ) x`;
}

/** The rows read by the service, from the rollup or from COMPUTE: the period as text (a date would be parsed in the process's zone). */
const READ_COLUMNS = `x.period::text AS period, ${ROLLUP_COLUMNS.slice(1).map((c) => `x.${c}`).join(', ')}`;

/** The days not rolled up (or all of them, for another zone), straight from the conversations, at the levels the report reads. */
export const rawDaysSql = (levels: readonly number[]): string => `SELECT ${READ_COLUMNS} FROM (${computeSql('day', levels)}) x`;

/**
 * Rollup rows of one level: $1 days, $2 months (first days), $3 level, $4 team id or null, $5 agent id or null.
 * At levels 2 and 3 team_id is NULL, at 1 and 3 agent_id is: the service never filters a level on a column it lacks.
 */
export const ROLLUP_SQL = `SELECT ${READ_COLUMNS} FROM report_rollup x
  WHERE x.level = $3::int2 AND ($4::uuid IS NULL OR x.team_id = $4::uuid) AND ($5::text IS NULL OR x.agent_id = $5::text)
    AND ((x.kind = 'day' AND x.period = ANY($1::date[])) OR (x.kind = 'month' AND x.period = ANY($2::date[])))`;

/** The rollup's zone and reach, and the changed days of the range ($1..$2) it must not be read for. */
export const STATE_SQL = `SELECT s.time_zone, s.rolled_until::text AS rolled_until,
    coalesce((SELECT array_agg(day::text) FROM report_dirty_days WHERE day BETWEEN $1::date AND $2::date), '{}') AS dirty
  FROM report_rollup_state s`;

export const TEAMS_SQL = `SELECT id, name, active FROM teams ORDER BY lower(name)`;

/**
 * Run before COMPUTE, in its transaction: a long range read from the rows (another zone) groups in
 * memory rather than on disk, and JIT compilation costs more than it saves on these plans.
 */
export const SETTINGS_SQL = `SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`;

/** [from, to, time zone, team id or null, agent id or null]. */
export type ReportParams = [string, string, string, string | null, string | null];
