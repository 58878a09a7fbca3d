import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reports' rollup: per day (and per whole month) of the reporting time zone, at four levels
 * (team and agent, team, agent, all), the additive figures and fixed-bin duration histograms, so a
 * long range reads a few hundred rows instead of every conversation. The rollup job fills it; days it
 * has not reached, and days changed since (report_dirty_days, marked by the trigger below), are read
 * from the conversations themselves.
 */
export class ReportRollup1764560000000 implements MigrationInterface {
  name = 'ReportRollup1764560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_rollup (
        kind text NOT NULL CHECK (kind IN ('day', 'month')),
        period date NOT NULL,
        level smallint NOT NULL,
        team_id uuid,
        agent_id text,
        agent_name text,
        conversations int NOT NULL,
        assigned int NOT NULL,
        abandoned int NOT NULL,
        abandoned_user_ended int NOT NULL,
        abandoned_queue_timeout int NOT NULL,
        abandoned_inactivity int NOT NULL,
        abandoned_platform_reset int NOT NULL,
        trigger_agent_transfer int NOT NULL,
        trigger_tone int NOT NULL,
        trigger_keyword int NOT NULL,
        wait_sum float8,
        wait_count int NOT NULL,
        response_sum float8,
        response_count int NOT NULL,
        handle_sum float8,
        handle_count int NOT NULL,
        csat_1 int NOT NULL,
        csat_2 int NOT NULL,
        csat_3 int NOT NULL,
        csat_4 int NOT NULL,
        csat_5 int NOT NULL,
        wait_hist bytea,
        response_hist bytea,
        handle_hist bytea,
        dispositions jsonb
      )`);
    // One row per period, level, team and agent; NULL is "no team" / "never assigned" at levels that have them.
    await q.query(`CREATE UNIQUE INDEX report_rollup_key ON report_rollup (level, kind, period, team_id, agent_id) NULLS NOT DISTINCT`);
    // One row: the zone the rollup was built in; rolled_until: days before it are in the rollup;
    // marking_until: changes to conversations of days before it mark their day dirty (>= rolled_until).
    await q.query(`
      CREATE TABLE report_rollup_state (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        time_zone text NOT NULL,
        rolled_until date,
        marking_until date,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE TABLE report_dirty_days (day date PRIMARY KEY, marked_at timestamptz NOT NULL DEFAULT now())`);
    // The shared lock pairs with the rollup job's exclusive one (same key) when it moves marking_until:
    // a change either committed before the move or sees the new bound. DO UPDATE (not DO NOTHING)
    // locks the mark, so the job's delete-then-recompute of that day waits for this transaction.
    await q.query(`
      CREATE FUNCTION report_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        s record;
        d date;
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(4176250001);
        SELECT time_zone, marking_until INTO s FROM report_rollup_state;
        IF s.marking_until IS NULL THEN RETURN NULL; END IF;
        IF TG_OP <> 'INSERT' THEN
          d := (OLD.opened_at AT TIME ZONE s.time_zone)::date;
          IF d < s.marking_until THEN
            INSERT INTO report_dirty_days (day) VALUES (d) ON CONFLICT (day) DO UPDATE SET marked_at = now();
          END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
          d := (NEW.opened_at AT TIME ZONE s.time_zone)::date;
          IF d < s.marking_until THEN
            INSERT INTO report_dirty_days (day) VALUES (d) ON CONFLICT (day) DO UPDATE SET marked_at = now();
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    // Only a change of what the reports read runs it: an agent's message re-sets first_response_at to itself.
    await q.query(`
      CREATE TRIGGER conversations_report_dirty AFTER UPDATE ON conversations FOR EACH ROW
      WHEN ((OLD.opened_at, OLD.team_id, OLD.agent_id, OLD.agent_name, OLD.trigger, OLD.state, OLD.assigned_at, OLD.first_response_at,
             OLD.closed_at, OLD.close_reason, OLD.csat_score, OLD.disposition)
        IS DISTINCT FROM (NEW.opened_at, NEW.team_id, NEW.agent_id, NEW.agent_name, NEW.trigger, NEW.state, NEW.assigned_at, NEW.first_response_at,
             NEW.closed_at, NEW.close_reason, NEW.csat_score, NEW.disposition))
      EXECUTE FUNCTION report_mark_dirty()`);
    await q.query(`CREATE TRIGGER conversations_report_dirty_ins_del AFTER INSERT OR DELETE ON conversations FOR EACH ROW EXECUTE FUNCTION report_mark_dirty()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER conversations_report_dirty_ins_del ON conversations');
    await q.query('DROP TRIGGER conversations_report_dirty ON conversations');
    await q.query('DROP FUNCTION report_mark_dirty()');
    await q.query('DROP TABLE report_dirty_days');
    await q.query('DROP TABLE report_rollup_state');
    await q.query('DROP TABLE report_rollup');
  }
}
