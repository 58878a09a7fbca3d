import { ABANDON_REASONS, TRIGGERS } from '../desk-port/desk-reports';

/*
 * The report's statements, kept apart from the service so the bench times exactly these.
 * $1 first day, $2 last day (local, included), $3 time zone, $4 team id or null, $5 agent id or null.
 * Each reads a range of opened_at from the covering index conversations_report alone. Counts and sums
 * come per (day, team, agent) from one hash aggregate and are added up per day, team, agent and in
 * total by the service; only the percentiles need Postgres to sort, per grouping set.
 */

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

const RANGE = `FROM conversations c
  WHERE c.opened_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND c.opened_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)
    AND ($4::uuid IS NULL OR c.team_id = $4::uuid) AND ($5::text IS NULL OR c.agent_id = $5::text)`;

const DAY = `(c.opened_at AT TIME ZONE $3::text)::date::text`;
const WAIT = `extract(epoch FROM c.assigned_at - c.opened_at)::float8`;
// A desk may show the agent's first line just before it reports the join.
// (greatest() skips NULLs: an unanswered conversation must stay NULL, not 0.)
const RESPONSE = `CASE WHEN c.first_response_at IS NOT NULL THEN extract(epoch FROM greatest(c.first_response_at - c.assigned_at, interval '0'))::float8 END`;
const HANDLE = `extract(epoch FROM c.closed_at - c.assigned_at)::float8`;
const ABANDONED = `c.assigned_at IS NULL AND c.state = 'closed' AND c.close_reason IN (${list(ABANDON_REASONS)})`;

/** Additive figures only: they sum across days, teams and agents. */
export const COUNTS_SQL = `SELECT ${DAY} AS day, c.team_id, c.agent_id, max(c.agent_name) AS agent_name,
    count(*)::int AS conversations, count(c.assigned_at)::int AS assigned, count(*) FILTER (WHERE ${ABANDONED})::int AS abandoned,
    ${ABANDON_REASONS.map((r) => `count(*) FILTER (WHERE ${ABANDONED} AND c.close_reason = '${r}')::int AS abandoned_${r}`).join(',\n    ')},
    ${TRIGGERS.map((t) => `count(*) FILTER (WHERE c.trigger = '${t}')::int AS trigger_${t}`).join(', ')},
    sum(${WAIT}) AS wait_sum, count(${WAIT})::int AS wait_count,
    sum(${RESPONSE}) AS response_sum, count(${RESPONSE})::int AS response_count,
    sum(${HANDLE}) AS handle_sum, count(${HANDLE})::int AS handle_count,
    ${[1, 2, 3, 4, 5].map((s) => `count(*) FILTER (WHERE c.csat_score = ${s})::int AS csat_${s}`).join(', ')}
  ${RANGE}
  GROUP BY 1, 2, 3`;

/** grouping(day, team_id, agent_id): 3 per day, 5 per team, 6 per agent, 7 the whole range. */
export const GROUP = { day: 3, team: 5, agent: 6, total: 7 } as const;

/** Nearest-rank p50 and p90 (observed values); only assigned conversations have any of the three. */
export const PERCENTILES_SQL = `WITH r AS (
    SELECT ${DAY} AS day, c.team_id, c.agent_id, ${WAIT} AS wait_s, ${RESPONSE} AS response_s, ${HANDLE} AS handle_s
    ${RANGE} AND c.assigned_at IS NOT NULL
  )
  SELECT grouping(day, team_id, agent_id) AS g, day, team_id, agent_id,
    percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY wait_s) AS wait,
    percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY response_s) AS response,
    percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY handle_s) AS handle
  FROM r GROUP BY GROUPING SETS ((day), (team_id), (agent_id), ())`;

export const DISPOSITIONS_SQL = `SELECT ${DAY} AS day, c.team_id, c.agent_id, c.disposition, count(*)::int AS n
  ${RANGE} AND c.disposition IS NOT NULL
  GROUP BY 1, 2, 3, 4`;

export const TEAMS_SQL = `SELECT id, name, active FROM teams ORDER BY lower(name)`;

/**
 * Run before each statement, in its transaction: a year's percentiles sort in memory rather than on
 * disk, and JIT compilation (seconds on a year's range) costs more than it saves on these plans.
 */
export const SETTINGS_SQL = `SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`;

export type ReportParams = [string, string, string, string | null, string | null];
