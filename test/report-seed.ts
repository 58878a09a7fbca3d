import type { Client } from 'pg';

export const TEAM_BILLING = '11111111-1111-4111-8111-111111111111';
export const TEAM_SALES = '22222222-2222-4222-8222-222222222222';
export const BEN_NAME = 'Ben "B", Jr';

interface Seeded {
  opened: string;
  team: string | null;
  agent: { id: string; name: string } | null;
  trigger: 'agent_transfer' | 'tone' | 'keyword';
  /** Seconds after opening. */
  wait?: number;
  /** Seconds after assignment. */
  response?: number;
  handle?: number;
  /** Seconds after opening, for a conversation never assigned. */
  closedAfter?: number;
  reason?: string;
  csat?: number;
  disposition?: string;
}

/**
 * Nine closed conversations with known figures (the expected values are worked out by hand in the
 * tests). Days are Europe/Paris days (UTC+2 in June): the range 2026-06-01..2026-06-02 holds seven.
 */
export function reportSeed(ann: { id: string; name: string }, ben: { id: string; name: string }): Seeded[] {
  return [
    { opened: '2026-06-01T08:00:00Z', team: TEAM_BILLING, agent: ann, trigger: 'agent_transfer', wait: 30, response: 10, handle: 600, csat: 5, disposition: 'resolved' },
    { opened: '2026-06-01T09:00:00Z', team: TEAM_BILLING, agent: ann, trigger: 'tone', wait: 90, response: 20, handle: 300, csat: 3, disposition: 'resolved' },
    { opened: '2026-06-01T10:00:00Z', team: TEAM_SALES, agent: ben, trigger: 'keyword', wait: 10, response: 5, handle: 1200, csat: 4, disposition: 'billing-issue' },
    { opened: '2026-06-02T07:00:00Z', team: TEAM_BILLING, agent: null, trigger: 'agent_transfer', closedAfter: 120, reason: 'queue_timeout' },
    { opened: '2026-06-02T08:00:00Z', team: TEAM_SALES, agent: null, trigger: 'tone', closedAfter: 45, reason: 'user_ended' },
    { opened: '2026-06-02T09:00:00Z', team: null, agent: ben, trigger: 'agent_transfer', wait: 50, handle: 200, disposition: 'other' },
    // Closed hours: never in the queue, so not "left the queue".
    { opened: '2026-06-02T10:00:00Z', team: TEAM_BILLING, agent: null, trigger: 'agent_transfer', closedAfter: 1, reason: 'after_hours' },
    // 23:30 on May 31 and 00:30 on June 3 in Paris: outside the range.
    { opened: '2026-05-31T21:30:00Z', team: TEAM_BILLING, agent: ann, trigger: 'keyword', wait: 999, response: 999, handle: 999, csat: 1, disposition: 'spam' },
    { opened: '2026-06-02T22:30:00Z', team: TEAM_SALES, agent: ben, trigger: 'keyword', wait: 999, response: 999, handle: 999, csat: 1, disposition: 'spam' },
  ];
}

export async function seedReports(db: Client, rows: Seeded[]): Promise<void> {
  await db.query(`INSERT INTO teams (id, name) VALUES ($1, 'Billing'), ($2, 'Sales') ON CONFLICT DO NOTHING`, [TEAM_BILLING, TEAM_SALES]);
  for (const [i, r] of rows.entries()) {
    const opened = new Date(r.opened);
    const at = (seconds: number | undefined, from: Date | null) => (seconds === undefined || !from ? null : new Date(from.getTime() + seconds * 1000));
    const assigned = r.agent ? at(r.wait, opened) : null;
    const closed = assigned ? at(r.handle, assigned) : at(r.closedAfter, opened);
    await db.query(
      `INSERT INTO conversations (bot_id, visitor_key, state, trigger, provider, agent_id, agent_name, latest_request_id, latest_payload,
         opened_at, assigned_at, first_response_at, closed_at, close_reason, last_activity_at, team_id, csat_score, disposition)
       VALUES ('st-report-seed', $1, 'closed', $2, 'console', $3, $4, 'r', '{}', $5, $6, $7, $8, $9, $8, $10, $11, $12)`,
      [`seed-${i}`, r.trigger, r.agent?.id ?? null, r.agent?.name ?? null, opened, assigned, at(r.response, assigned), closed,
        r.reason ?? (assigned ? 'agent_closed' : null), r.team, r.csat ?? null, r.disposition ?? null],
    );
  }
}
