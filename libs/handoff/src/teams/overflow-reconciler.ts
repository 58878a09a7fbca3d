import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { REDIS } from '@agent-bridge/persistence';
import { QUEUES, type TeamOverflowJob } from '@agent-bridge/queue';
import { values } from '../timers/pipeline-values';
import { overflowJobId, QUEUED_AT_SQL, TeamOverflowService } from './team-overflow.service';
import { TeamRepository } from './team.repository';

const PAGE = 1000;

interface Waiting {
  id: string;
  team_id: string;
  opened_key: string;
  /** When it entered its team's queue: the last transition to queued (a hand-off, a re-queue, a move). */
  queued_at: Date;
}

/**
 * For chats waiting in a team that overflows whose overflow job Redis lost: the deadline is the
 * team's overflow time after the chat entered its queue, so a past one fires at once.
 */
@Injectable()
export class OverflowReconciler {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly teams: TeamRepository,
    private readonly overflow: TeamOverflowService,
    @InjectQueue(QUEUES.sessions) private readonly queue: Queue<TeamOverflowJob>,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async run(): Promise<number> {
    // Read afresh, not the router's in-memory copy: a reconcile must not decide routing's cache.
    const teams = await this.teams.list();
    const byId = new Map(teams.map((t) => [t.id, t]));
    const active = new Set(teams.filter((t) => t.active).map((t) => t.id));
    // Only where the job would move the chat: a team that overflows into an active team.
    const overflowing = teams.filter((t) => active.has(t.id) && t.overflowSeconds && t.fallbackTeamId && active.has(t.fallbackTeamId)).map((t) => t.id);
    if (overflowing.length === 0) return 0;
    let restored = 0;
    let cursor = { openedAt: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
    for (;;) {
      // Not the sessions waiting for a message left for a closed team: no overflow was armed for them.
      const rows: Waiting[] = await this.db.query(
        `SELECT c.id, c.team_id, c.opened_at::text AS opened_key, ${QUEUED_AT_SQL} AS queued_at
         FROM conversations c
         WHERE c.state = 'queued' AND c.team_id = ANY($1::uuid[]) AND c.offline_at IS NULL AND (c.opened_at, c.id) > ($2::timestamptz, $3::uuid)
         ORDER BY c.opened_at, c.id LIMIT $4`,
        [overflowing, cursor.openedAt, cursor.id, PAGE],
      );
      if (rows.length === 0) break;
      const exists = values(await rows.reduce((p, r) => p.exists(this.queue.toKey(overflowJobId(r.id, r.team_id, r.queued_at))), this.redis.pipeline()).exec());
      const missing = rows.filter((_, i) => exists[i] !== 1);
      // The teams this wait went through are not in Postgres: a chain of fallbacks that loops may go round once more.
      await Promise.all(missing.map((r) => this.overflow.restore(r.id, byId.get(r.team_id)!, r.queued_at)));
      restored += missing.length;
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1]!;
      cursor = { openedAt: last.opened_key, id: last.id };
    }
    return restored;
  }
}
