'use strict';
// The console's reports on a big history: conversations seeded in SQL (generate_series) into a database
// of the stage's own, migrated as the bridge migrates, then each of the engine's report statements (its
// own SQL, from dist) run `runs` times per range: p50 and p95 beside a bare count(*) of the same range
// in the same run (the least any report of that range could cost).
const path = require('node:path');
const { Client } = require('pg');
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

function ranges() {
  return [
    { id: 'week', label: '7 days', from: '2026-06-24', to: '2026-06-30', timeZone: 'Europe/Paris' },
    { id: 'month', label: '30 days', from: '2026-06-01', to: '2026-06-30', timeZone: 'Europe/Paris' },
    { id: 'month-team', label: '30 days, one team', from: '2026-06-01', to: '2026-06-30', timeZone: 'Europe/Paris', teamId: '00000000-0000-4000-8000-000000000002' },
    { id: 'month-agent', label: '30 days, one agent', from: '2026-06-01', to: '2026-06-30', timeZone: 'Europe/Paris', agentId: 'agent-7' },
    { id: 'quarter', label: '91 days', from: '2026-04-01', to: '2026-06-30', timeZone: 'Europe/Paris' },
    { id: 'year', label: '365 days (the longest report)', from: '2025-07-01', to: '2026-06-30', timeZone: 'UTC' },
  ];
}

/** `settings` first, in the statement's own transaction, as the engine runs it. */
async function timed(db, text, values, runs, settings = null) {
  const once = async () => {
    if (!settings) return (await db.query(text, values)).rowCount;
    await db.query(`BEGIN; ${settings}`);
    try {
      return (await db.query(text, values)).rowCount;
    } finally {
      await db.query('COMMIT');
    }
  };
  for (let i = 0; i < 2; i++) await once(); // warm the cache and the plan
  const ms = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = nowMs();
    rows = await once();
    ms.push(nowMs() - t0);
  }
  ms.sort((a, b) => a - b);
  const r = (v) => Math.round(v * 10) / 10;
  return { runs, p50: r(percentile(ms, 50)), p95: r(percentile(ms, 95)), max: r(ms[ms.length - 1]), rows };
}

async function reportsStage(ctx) {
  const o = ctx.opts.reports;
  const url = ctx.env.databaseUrl('reports');
  const { runMigrations } = require(path.join(ctx.root, 'dist/libs/persistence/src'));
  const sql = require(path.join(ctx.root, 'dist/libs/handoff/src/reports/report.sql.js'));
  const { reportParams } = require(path.join(ctx.root, 'dist/libs/handoff/src/reports/desk-reports.service.js'));
  await runMigrations(url);
  const db = new Client({ connectionString: url, application_name: 'bench-reports' });
  await db.connect();
  try {
    const t0 = nowMs();
    await db.query(`INSERT INTO teams (id, name) SELECT ('00000000-0000-4000-8000-00000000000' || t)::uuid, 'Team ' || t FROM generate_series(1, ${TEAMS}) AS t`);
    await db.query(SEED_SQL, [o.conversations, PAYLOAD]);
    // What autovacuum does to a settled history: statistics, and pages marked all-visible (index-only scans).
    await db.query('VACUUM (ANALYZE) conversations');
    const seedSeconds = Math.round((nowMs() - t0) / 100) / 10;
    const size = (await db.query(`SELECT pg_relation_size('conversations') AS heap, pg_relation_size('conversations_report') AS idx`)).rows[0];
    ctx.log(`reports: ${o.conversations.toLocaleString('en-US')} conversations seeded in ${seedSeconds} s; timing ${o.runs} runs per statement and range`);
    const results = [];
    for (const range of ranges()) {
      const params = reportParams(range);
      const baseline = await timed(db, `SELECT count(*) FROM conversations c
        WHERE c.opened_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND c.opened_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)`, params.slice(0, 3), o.runs);
      const statements = {};
      for (const name of ['COUNTS', 'PERCENTILES', 'DISPOSITIONS']) statements[name.toLowerCase()] = await timed(db, sql[`${name}_SQL`], params, o.runs, sql.SETTINGS_SQL);
      const inRange = Number((await db.query(`SELECT count(*) AS n FROM conversations c
        WHERE c.opened_at >= ($1::date::timestamp AT TIME ZONE $3::text) AND c.opened_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)
          AND ($4::uuid IS NULL OR c.team_id = $4::uuid) AND ($5::text IS NULL OR c.agent_id = $5::text)`, params)).rows[0].n);
      const plan = (await db.query(`EXPLAIN (FORMAT JSON) ${sql.PERCENTILES_SQL}`, params)).rows[0]['QUERY PLAN'];
      results.push({ ...range, inRange, baseline, ...statements, scan: scanOf(plan) });
      ctx.log(`reports ${range.id}: ${inRange} rows; p95 count(*) ${baseline.p95} ms, counts ${statements.counts.p95} ms, percentiles ${statements.percentiles.p95} ms, dispositions ${statements.dispositions.p95} ms`);
    }
    return { conversations: o.conversations, runs: o.runs, seedSeconds, heapMb: Math.round(size.heap / 2 ** 20), indexMb: Math.round(size.idx / 2 ** 20), ranges: results };
  } finally {
    await db.end();
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
