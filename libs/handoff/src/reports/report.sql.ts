import { ABANDON_REASONS, TRIGGERS } from '../desk-port/desk-reports';

/*
 * The report's two statements, kept apart from the service so the bench times exactly these.
 * $1 first day, $2 last day (local, included), $3 time zone, $4 team id or null, $5 agent id or null.
 * The range is a range of opened_at, so both read the covering index conversations_report alone.
 */

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

const RANGE = `FROM conversations c
  WHERE c.opened_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND c.opened_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)
    AND ($4::uuid IS NULL OR c.team_id = $4::uuid) AND ($5::text IS NULL OR c.agent_id = $5::text)`;

const DAY = `(c.opened_at AT TIME ZONE $3::text)::date`;

/** grouping(day, team_id, agent_id): 3 per day, 5 per team, 6 per agent, 7 the whole range. */
export const GROUP = { day: 3, team: 5, agent: 6, total: 7 } as const;
const SETS = 'GROUPING SETS ((day), (team_id), (agent_id), ())';

const durations = (name: string, expression: string): string =>
  `percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY ${expression}) AS ${name}_pct, avg(${expression}) AS ${name}_mean, count(${expression})::int AS ${name}_count`;

export const METRICS_SQL = `WITH r AS (
    SELECT ${DAY} AS day, c.team_id, c.agent_id, c.agent_name, c.trigger, c.close_reason, c.csat_score,
      c.assigned_at IS NOT NULL AS assigned,
      c.assigned_at IS NULL AND c.state = 'closed' AND c.close_reason IN (${list(ABANDON_REASONS)}) AS abandoned,
      extract(epoch FROM c.assigned_at - c.opened_at)::float8 AS wait_s,
      -- A desk may show the agent's first line just before it reports the join.
      extract(epoch FROM greatest(c.first_response_at - c.assigned_at, interval '0'))::float8 AS response_s,
      extract(epoch FROM c.closed_at - c.assigned_at)::float8 AS handle_s
    ${RANGE}
  )
  SELECT grouping(day, team_id, agent_id) AS g, day::text AS day, team_id, agent_id, max(agent_name) AS agent_name,
    count(*)::int AS conversations, count(*) FILTER (WHERE assigned)::int AS assigned, count(*) FILTER (WHERE abandoned)::int AS abandoned,
    ${ABANDON_REASONS.map((r) => `count(*) FILTER (WHERE abandoned AND close_reason = '${r}')::int AS abandoned_${r}`).join(',\n    ')},
    ${TRIGGERS.map((t) => `count(*) FILTER (WHERE trigger = '${t}')::int AS trigger_${t}`).join(',\n    ')},
    ${durations('wait', 'wait_s')},
    ${durations('response', 'response_s')},
    ${durations('handle', 'handle_s')},
    count(csat_score)::int AS csat_count, avg(csat_score)::float8 AS csat_mean,
    ${[1, 2, 3, 4, 5].map((s) => `count(*) FILTER (WHERE csat_score = ${s})::int AS csat_${s}`).join(', ')}
  FROM r GROUP BY ${SETS}`;

export const DISPOSITIONS_SQL = `WITH r AS (
    SELECT ${DAY} AS day, c.team_id, c.agent_id, c.disposition
    ${RANGE} AND c.disposition IS NOT NULL
  )
  SELECT grouping(day, team_id, agent_id) AS g, day::text AS day, team_id, agent_id, disposition, count(*)::int AS n
  FROM r GROUP BY GROUPING SETS ((day, disposition), (team_id, disposition), (agent_id, disposition), (disposition))`;

export const TEAMS_SQL = `SELECT id, name, active FROM teams ORDER BY lower(name)`;

export type ReportParams = [string, string, string, string | null, string | null];
