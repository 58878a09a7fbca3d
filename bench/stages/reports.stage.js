'use strict';
// The console's reports on a big history: conversations seeded in SQL (generate_series) into a database
// of the stage's own, migrated as the bridge migrates, then each of the engine's report statements (its
// own SQL, from dist) run `runs` times per range: p50 and p95 beside a bare count(*) of the same range
// in the same run (the least any report of that range could cost).
const os = require('node:os');
const path = require('node:path');
const { Client, Pool } = require('pg');
const { percentile } = require('../lib/stats');
const { nowMs } = require('../lib/clock');

/** A year of history ending 2026-06-30 (UTC), spread evenly; every figure the reports read varies. */
const SEED_START = '2025-07-01T00:00:00Z';
const TEAMS = 4;
const AGENTS = 50;
// A small request context per row, as every conversation carries one (the reports never read it).
const PAYLOAD = JSON.stringify({ requestId: 'bench', context: { session: { UserContext: { _id: 'u' } } }, message: 'x'.repeat(200) });

const SEED_SQL = `
  INSERT INTO conversations (bot_id, visitor_key, state, trigger, provider, agent_id, agent_name, latest_request_id, latest_payload,
    opened_at, assigned_at, first_response_at, closed_at, close_reason, last_activity_at, team_id, disposition, csat_score)
  SELECT 'st-bench-reports', 'v-' || i, 'closed', (ARRAY['agent_transfer', 'agent_transfer', 'agent_transfer', 'tone', 'keyword'])[1 + i % 5],
    'console', CASE WHEN assigned THEN 'agent-' || (i * 7 % ${AGENTS}) END, CASE WHEN assigned THEN 'Agent ' || (i * 7 % ${AGENTS}) END,
    'r-' || i, $2::json, opened,
    CASE WHEN assigned THEN opened + (i * 37 % 600) * interval '1 second' END,
    CASE WHEN assigned THEN opened + (i * 37 % 600 + 5 + i * 13 % 120) * interval '1 second' END,
    opened + CASE WHEN assigned THEN (i * 37 % 600 + 300 + i * 53 % 1800) ELSE 60 + i % 900 END * interval '1 second',
    CASE WHEN assigned THEN 'agent_closed' ELSE (ARRAY['queue_timeout', 'user_ended', 'inactivity'])[1 + i % 3] END,
    opened + interval '1 hour',
    CASE WHEN i % 10 = 0 THEN NULL ELSE ('00000000-0000-4000-8000-00000000000' || (1 + i % ${TEAMS}))::uuid END,
    CASE WHEN assigned THEN (ARRAY['resolved', 'resolved', 'follow-up-needed', 'billing-issue', 'other'])[1 + i % 5 ] END,
    CASE WHEN assigned AND i % 5 < 2 THEN 1 + (i * 3) % 5 END
  FROM (SELECT i, timestamptz '${SEED_START}' + i * (interval '365 days' / $1::int) AS opened, i % 20 > 1 AS assigned
        FROM generate_series(0, $1::int - 1) AS i) s`;

/** The rollup's zone in this stage (REPORTS_TIME_ZONE); a report asked in another zone reads the rows. */
const ROLLUP_ZONE = 'Europe/Paris';

function ranges() {
  return [
    { id: 'week', label: '7 days', from: '2026-06-24', to: '2026-06-30', timeZone: ROLLUP_ZONE },
    { id: 'month', label: '30 days', from: '2026-06-01', to: '2026-06-30', timeZone: ROLLUP_ZONE },
    { id: 'month-team', label: '30 days, one team', from: '2026-06-01', to: '2026-06-30', timeZone: ROLLUP_ZONE, teamId: '00000000-0000-4000-8000-000000000002' },
    { id: 'month-agent', label: '30 days, one agent', from: '2026-06-01', to: '2026-06-30', timeZone: ROLLUP_ZONE, agentId: 'agent-7' },
    { id: 'odd', label: '45 days, not month-aligned', from: '2026-04-17', to: '2026-05-31', timeZone: ROLLUP_ZONE },
    { id: 'quarter', label: '91 days', from: '2026-04-01', to: '2026-06-30', timeZone: ROLLUP_ZONE },
    { id: 'year', label: '365 days (the longest report)', from: '2025-07-01', to: '2026-06-30', timeZone: ROLLUP_ZONE },
    { id: 'week-utc', label: '7 days in UTC (not the rollup zone: rows)', from: '2026-06-24', to: '2026-06-30', timeZone: 'UTC' },
  ];
}

const r1 = (v) => Math.round(v * 10) / 10;

/** `once` 2 times to warm the cache and the plan, then `runs` times: p50, p95, max in ms. */
async function timedFn(once, runs) {
  for (let i = 0; i < 2; i++) await once();
  const ms = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = nowMs();
    rows = await once();
    ms.push(nowMs() - t0);
  }
  ms.sort((a, b) => a - b);
  return { runs, p50: r1(percentile(ms, 50)), p95: r1(percentile(ms, 95)), max: r1(ms[ms.length - 1]), rows };
}

/** `settings` first, in the statement's own transaction, as the engine runs it. */
function timed(db, text, values, runs, settings = null) {
  return timedFn(async () => {
    if (!settings) return (await db.query(text, values)).rowCount;
    await db.query(`BEGIN; ${settings}`);
    try {
      return (await db.query(text, values)).rowCount;
    } finally {
      await db.query('COMMIT');
    }
  }, runs);
}

/** The engine's report source on a pool, its statements side by side as in the app (TypeORM's pool there). */
function source(pool, settings) {
  return {
    query: async (text, values) => (await pool.query(text, values)).rows,
    compute: async (text, values) => {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN; ${settings}`);
        try {
          return (await client.query(text, values)).rows;
        } finally {
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    },
  };
}

/**
 * What the dirty-day trigger costs a write that changes a report column, the worst case (the day is
 * rolled up, so the statement also marks it): a late rating set on 2 × `n` conversations of one week,
 * one statement each, alternating blocks of 100 with the trigger on and disabled.
 */
async function triggerCost(db, n) {
  const ids = (await db.query(`SELECT id FROM conversations WHERE opened_at >= '2026-06-15T00:00:00+02' AND opened_at < '2026-06-22T00:00:00+02'
    AND csat_score IS NULL ORDER BY id LIMIT $1`, [n * 2])).rows.map((r) => r.id);
  const on = [];
  const off = [];
  const block = 100;
  for (let i = 0; i + block <= ids.length; i += block) {
    const enabled = (i / block) % 2 === 0;
    await db.query(`ALTER TABLE conversations ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER conversations_report_dirty`);
    for (const id of ids.slice(i, i + block)) {
      const t0 = nowMs();
      await db.query(`UPDATE conversations SET csat_score = 4, csat_at = now() WHERE id = $1`, [id]);
      (enabled ? on : off).push(nowMs() - t0);
    }
  }
  await db.query('ALTER TABLE conversations ENABLE TRIGGER conversations_report_dirty');
  // A hand-off: a conversation opened now (today, not rolled up: the trigger reads the state, marks nothing).
  const insertOn = [];
  const insertOff = [];
  for (let i = 0; i < n * 2; i += block) {
    const enabled = (i / block) % 2 === 0;
    await db.query(`ALTER TABLE conversations ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER conversations_report_dirty_ins_del`);
    for (let j = i; j < i + block; j++) {
      const t0 = nowMs();
      await db.query(`INSERT INTO conversations (bot_id, visitor_key, state, trigger, provider, latest_request_id, latest_payload, opened_at, last_activity_at)
        VALUES ('st-bench-reports', $1, 'queued', 'agent_transfer', 'console', 'r', '{}', now(), now())`, [`bench-open-${j}`]);
      (enabled ? insertOn : insertOff).push(nowMs() - t0);
    }
  }
  await db.query('ALTER TABLE conversations ENABLE TRIGGER conversations_report_dirty_ins_del');
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const stat = (xs) => ({ n: xs.length, meanUs: Math.round((sum(xs) / xs.length) * 1000), p50Us: Math.round(percentile([...xs].sort((a, b) => a - b), 50) * 1000), p95Us: Math.round(percentile([...xs].sort((a, b) => a - b), 95) * 1000) });
  return { on: stat(on), off: stat(off), insertOn: stat(insertOn), insertOff: stat(insertOff) };
}

async function reportsStage(ctx) {
  const o = ctx.opts.reports;
  const url = ctx.env.databaseUrl('reports');
  const { runMigrations } = require(path.join(ctx.root, 'dist/libs/persistence/src'));
  const sql = require(path.join(ctx.root, 'dist/libs/handoff/src/reports/report.sql.js'));
  const { reportParams, readReport, planReport } = require(path.join(ctx.root, 'dist/libs/handoff/src/reports/desk-reports.service.js'));
  const { ReportRollup } = require(path.join(ctx.root, 'dist/libs/handoff/src/reports/report-rollup.js'));
  await runMigrations(url);
  const db = new Client({ connectionString: url, application_name: 'bench-reports' });
  await db.connect();
  const pool = new Pool({ connectionString: url, application_name: 'bench-reports-pool', max: 5 });
  try {
    const t0 = nowMs();
    await db.query(`INSERT INTO teams (id, name) SELECT ('00000000-0000-4000-8000-00000000000' || t)::uuid, 'Team ' || t FROM generate_series(1, ${TEAMS}) AS t`);
    await db.query(SEED_SQL, [o.conversations, PAYLOAD]);
    // What autovacuum does to a settled history: statistics, and pages marked all-visible (index-only scans).
    await db.query('VACUUM (ANALYZE) conversations');
    const seedSeconds = Math.round((nowMs() - t0) / 100) / 10;
    const size = (await db.query(`SELECT pg_relation_size('conversations') AS heap, pg_relation_size('conversations_report') AS idx`)).rows[0];
    ctx.log(`reports: ${o.conversations.toLocaleString('en-US')} conversations seeded in ${seedSeconds} s; building the rollup (${ROLLUP_ZONE})`);

    // The rollup job's whole backfill, as the first run after an upgrade does it (one run may stop at its step bound).
    const rollup = new ReportRollup(ROLLUP_ZONE);
    const q = async (text, values) => (await db.query(text, values)).rows;
    const tb = nowMs();
    const builds = [];
    for (let i = 0; i < 5; i++) {
      const run = await rollup.run(q);
      builds.push(run);
      if (run.daysRolled === 0 && run.dirtyDaysRecomputed === 0) break;
    }
    const buildSeconds = Math.round((nowMs() - tb) / 100) / 10;
    const buildLoad = Math.round(os.loadavg()[0] * 10) / 10;
    await db.query('VACUUM (ANALYZE) report_rollup');
    const rollupSize = (await db.query(`SELECT count(*)::int AS rows, count(*) FILTER (WHERE kind = 'month')::int AS month_rows,
      pg_total_relation_size('report_rollup') AS bytes FROM report_rollup`)).rows[0];
    ctx.log(`reports: rollup built in ${buildSeconds} s: ${rollupSize.rows} rows, ${Math.round(rollupSize.bytes / 2 ** 20)} MB`);

    const trigger = await triggerCost(db, o.triggerWrites);
    const tr = nowMs();
    const recompute = await rollup.run(q);
    const recomputeSeconds = Math.round((nowMs() - tr) / 100) / 10;
    ctx.log(`reports: trigger on ${trigger.on.meanUs} µs / off ${trigger.off.meanUs} µs per late rating; recompute of ${recompute.dirtyDaysRecomputed} day(s) and ${recompute.monthsRolled} month(s) in ${recomputeSeconds} s`);
    ctx.log(`reports: timing ${o.runs} runs per statement and range`);

    const state = async (range) => (await db.query(sql.STATE_SQL, [range.from, range.to])).rows[0];
    const results = [];
    for (const range of ranges()) {
      const params = reportParams(range);
      const [from, to, timeZone, teamId, agentId] = params;
      const days = [];
      for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
      const plan = planReport(days, timeZone, await state(range));
      const dayLevel = teamId && agentId ? 0 : teamId ? 1 : agentId ? 2 : 3;
      const teamLevel = agentId ? 0 : 1;
      const agentLevel = teamId ? 0 : 2;
      const baseline = await timed(db, `SELECT count(*) FROM conversations c
        WHERE c.opened_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND c.opened_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`, params.slice(0, 3), o.runs);
      const statements = { state: await timed(db, sql.STATE_SQL, [from, to], o.runs) };
      if (plan.rolledDays.length) statements.days = await timed(db, sql.ROLLUP_SQL, [plan.rolledDays, [], dayLevel, teamId, agentId], o.runs);
      if (plan.groupDays.length || plan.months.length) {
        statements.teams = await timed(db, sql.ROLLUP_SQL, [plan.groupDays, plan.months, teamLevel, teamId, agentId], o.runs);
        statements.agents = await timed(db, sql.ROLLUP_SQL, [plan.groupDays, plan.months, agentLevel, teamId, agentId], o.runs);
      }
      // The rows the rollup does not hold: here the whole range (another zone), or, as today's tail would be, the range's last day.
      const rawDays = plan.rawDays.length ? plan.rawDays : [to];
      statements.raw = await timed(db, sql.rawDaysSql([...new Set([dayLevel, teamLevel, agentLevel])]), [rawDays, timeZone, teamId, agentId], o.runs, sql.SETTINGS_SQL);
      statements.raw.days = rawDays.length;
      const src = source(pool, sql.SETTINGS_SQL);
      const whole = await timedFn(async () => (await readReport(src, range)).days.length, o.runs);
      const inRange = Number((await db.query(`SELECT count(*) AS n FROM conversations c
        WHERE c.opened_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND c.opened_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)
          AND ($4::uuid IS NULL OR c.team_id = $4::uuid) AND ($5::text IS NULL OR c.agent_id = $5::text)`, params)).rows[0].n);
      const plan2 = (await db.query(`EXPLAIN (FORMAT JSON) ${sql.rawDaysSql([dayLevel])}`, [rawDays, timeZone, teamId, agentId])).rows[0]['QUERY PLAN'];
      results.push({ ...range, loadAverage: Math.round(os.loadavg()[0] * 10) / 10, inRange, plan: { rolledDays: plan.rolledDays.length, months: plan.months.length, groupDays: plan.groupDays.length, rawDays: plan.rawDays.length }, baseline, ...statements, report: whole, scan: scanOf(plan2) });
      const slowest = Math.max(...Object.values(statements).map((t) => t.p95));
      ctx.log(`reports ${range.id}: ${inRange} rows; p95 count(*) ${baseline.p95} ms, slowest statement ${slowest} ms (${Object.entries(statements).map(([k, t]) => `${k} ${t.p95}`).join(', ')}), whole report ${whole.p95} ms`);
    }
    return {
      conversations: o.conversations, runs: o.runs, seedSeconds, heapMb: Math.round(size.heap / 2 ** 20), indexMb: Math.round(size.idx / 2 ** 20),
      rollup: { zone: ROLLUP_ZONE, buildSeconds, buildLoad, builds, rows: rollupSize.rows, monthRows: rollupSize.month_rows, mb: Math.round((rollupSize.bytes / 2 ** 20) * 10) / 10, trigger, recompute, recomputeSeconds },
      ranges: results,
    };
  } finally {
    await db.end();
    await pool.end();
  }
}

/** The plan's scan of conversations, to show the index-only scan held. */
function scanOf(plan) {
  const found = [];
  const walk = (node) => {
    if (node['Relation Name'] === 'conversations') found.push(`${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}`);
    for (const child of node.Plans || []) walk(child);
  };
  walk(plan[0].Plan);
  return found.join(', ');
}

module.exports = { reportsStage, SEED_SQL, PAYLOAD };
