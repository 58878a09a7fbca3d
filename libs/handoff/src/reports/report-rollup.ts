import { computeSql, ROLLUP_COLUMNS, SETTINGS_SQL } from './report.sql';

/** One connection's statements (TypeORM's QueryRunner in the app, a pg Client in the bench). */
export type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, any>>>;

/** The trigger's shared lock (migration 1764560000000) against the exclusive one that moves marking_until. */
const MARK_LOCK = 4176250001;
/** One rollup run at a time across instances. */
const RUN_LOCK = 4176250002;
/** Bounds of one run: a year of backfill is 13 month steps; dirty days go a month at a time. */
const MAX_STEPS = 40;

export interface RollupRun {
  skipped?: string;
  timeZone: string;
  rolledUntil: string | null;
  daysRolled: number;
  monthsRolled: number;
  dirtyDaysRecomputed: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
const DAY_MS = 86_400_000;

function daysBetween(from: string, toExclusive: string): string[] {
  const out: string[] = [];
  for (let t = ms(from); t < ms(toExclusive); t += DAY_MS) out.push(day(t));
  return out;
}
const monthOf = (d: string) => `${d.slice(0, 7)}-01`;
function nextMonth(d: string): string {
  const t = new Date(ms(monthOf(d)));
  t.setUTCMonth(t.getUTCMonth() + 1);
  return day(t.getTime());
}

const INSERT = (kind: 'day' | 'month') => `INSERT INTO report_rollup (kind, ${ROLLUP_COLUMNS.join(', ')})
  SELECT '${kind}', ${ROLLUP_COLUMNS.map((c) => `x.${c}`).join(', ')} FROM (${computeSql(kind)}) x`;

// A job recomputing trigger-marked days rather than an upsert at close: 0.1-0.2 ms more on a late change, idempotent by construction (bench/README.md, Reports).
/**
 * Keeps report_rollup up to date: rolls up whole local days up to yesterday (a month per step, each
 * month's row once its last day is in), then recomputes the days the trigger marked as changed (a
 * late close, a late rating, a reopen, a correction) and their months. Every step deletes and
 * recomputes in one transaction, so running it twice, or on two instances, changes nothing.
 */
export class ReportRollup {
  constructor(private readonly timeZone: string) {}

  async run(q: Query): Promise<RollupRun> {
    const result: RollupRun = { timeZone: this.timeZone, rolledUntil: null, daysRolled: 0, monthsRolled: 0, dirtyDaysRecomputed: 0 };
    const [{ locked }] = (await q(`SELECT pg_try_advisory_lock(${RUN_LOCK}) AS locked`)) as [{ locked: boolean }];
    if (!locked) return { ...result, skipped: 'another rollup is running' };
    try {
      await this.ensureZone(q);
      const [{ today }] = (await q(`SELECT (now() AT TIME ZONE $1::text)::date::text AS today`, [this.timeZone])) as [{ today: string }];
      let steps = 0;
      for (; steps < MAX_STEPS; steps++) {
        const state = await this.state(q);
        let from = state.rolled_until;
        if (!from) {
          const [{ first }] = (await q(`SELECT (min(opened_at) AT TIME ZONE $1::text)::date::text AS first FROM conversations`, [this.timeZone])) as [{ first: string | null }];
          if (!first || first >= today) break;
          from = first;
        }
        if (from >= today) break;
        const until = nextMonth(from) < today ? nextMonth(from) : today;
        await this.advance(q, from, until, result);
      }
      for (; steps < MAX_STEPS; steps++) {
        const state = await this.state(q);
        if (!state.rolled_until) break;
        const dirty = (await q(`SELECT day::text AS day FROM report_dirty_days WHERE day < $1::date ORDER BY day LIMIT 31`, [state.rolled_until])).map((r) => r.day as string);
        if (!dirty.length) break;
        await this.recompute(q, dirty, state.rolled_until, result);
      }
      result.rolledUntil = (await this.state(q)).rolled_until;
      return result;
    } finally {
      await q(`SELECT pg_advisory_unlock(${RUN_LOCK})`);
    }
  }

  private async state(q: Query): Promise<{ rolled_until: string | null; marking_until: string | null }> {
    const rows = await q(`SELECT rolled_until::text AS rolled_until, marking_until::text AS marking_until FROM report_rollup_state`);
    return (rows[0] as { rolled_until: string | null; marking_until: string | null }) ?? { rolled_until: null, marking_until: null };
  }

  /** A new zone (or none yet) starts the rollup over: its days are other days. */
  private async ensureZone(q: Query): Promise<void> {
    const rows = await q(`SELECT time_zone FROM report_rollup_state`);
    if (rows[0]?.time_zone === this.timeZone) return;
    await this.tx(q, async () => {
      await q(`SELECT pg_advisory_xact_lock(${MARK_LOCK})`);
      await q(`DELETE FROM report_rollup`);
      await q(`DELETE FROM report_dirty_days`);
      await q(`INSERT INTO report_rollup_state (id, time_zone) VALUES (true, $1)
        ON CONFLICT (id) DO UPDATE SET time_zone = $1, rolled_until = NULL, marking_until = NULL, updated_at = now()`, [this.timeZone]);
    });
  }

  /** Days [from, until) into the rollup, and the month that `until` completes. */
  private async advance(q: Query, from: string, until: string, result: RollupRun): Promise<void> {
    // First, in a short transaction: from now on a change to these days marks them. Taking the lock
    // exclusively waits for every transaction that changed one without marking it to commit.
    await this.tx(q, async () => {
      await q(`SELECT pg_advisory_xact_lock(${MARK_LOCK})`);
      await q(`UPDATE report_rollup_state SET marking_until = greatest(marking_until, $1::date), updated_at = now()`, [until]);
    });
    const days = daysBetween(from, until);
    await this.tx(q, async () => {
      await q(`DELETE FROM report_dirty_days WHERE day >= $1::date AND day < $2::date`, [from, until]);
      await q(`DELETE FROM report_rollup WHERE kind = 'day' AND period >= $1::date AND period < $2::date`, [from, until]);
      await q(INSERT('day'), [days, this.timeZone, null, null]);
      result.daysRolled += days.length;
      // The month of the last day is whole once `until` is the next month's first day.
      if (until === monthOf(until)) await this.month(q, monthOf(day(ms(until) - DAY_MS)), result);
      await q(`UPDATE report_rollup_state SET rolled_until = $1::date, updated_at = now()`, [until]);
    });
  }

  /** Changed days again (their marks removed first: a change committing meanwhile marks them anew), and their whole months. */
  private async recompute(q: Query, dirty: string[], rolledUntil: string, result: RollupRun): Promise<void> {
    await this.tx(q, async () => {
      await q(`DELETE FROM report_dirty_days WHERE day = ANY($1::date[])`, [dirty]);
      await q(`DELETE FROM report_rollup WHERE kind = 'day' AND period = ANY($1::date[])`, [dirty]);
      await q(INSERT('day'), [dirty, this.timeZone, null, null]);
      result.dirtyDaysRecomputed += dirty.length;
      for (const month of new Set(dirty.map(monthOf))) if (nextMonth(month) <= rolledUntil) await this.month(q, month, result);
    });
  }

  private async month(q: Query, first: string, result: RollupRun): Promise<void> {
    await q(`DELETE FROM report_rollup WHERE kind = 'month' AND period = $1::date`, [first]);
    await q(INSERT('month'), [daysBetween(first, nextMonth(first)), this.timeZone, null, null]);
    result.monthsRolled++;
  }

  private async tx(q: Query, work: () => Promise<void>): Promise<void> {
    await q('BEGIN');
    try {
      await q(SETTINGS_SQL);
      await work();
      await q('COMMIT');
    } catch (error) {
      await q('ROLLBACK');
      throw error;
    }
  }
}
