import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { REDIS } from '@agent-bridge/persistence';
import { QUEUES, type SessionJob } from '@agent-bridge/queue';
import { RelayService, drainDedupId } from '../relay/relay.service';
import { TranscriptRepository, type Direction } from '../relay/transcript.repository';
import { timerMetrics } from './timer-reconcile.metrics';
import { values } from './pipeline-values';

const PAGE = 1000;

/** For pending outbox rows whose drain Redis lost; a drain still waiting, delayed or running is left alone. */
@Injectable()
export class OutboxReconciler {
  constructor(
    private readonly transcript: TranscriptRepository,
    private readonly relay: RelayService,
    @InjectQueue(QUEUES.delivery) private readonly queue: Queue<SessionJob>,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async run(): Promise<number> {
    let requeued = 0;
    let cursor: { conversationId: string; direction: Direction } | null = null;
    do {
      const page = await this.transcript.pendingOutboxes(cursor, PAGE);
      const missing = await this.withoutDrain(page);
      await Promise.all(missing.map((o) => this.relay.drain(o.conversationId, o.direction)));
      for (const o of missing) timerMetrics.drainsRequeued.inc({ direction: o.direction });
      requeued += missing.length;
      cursor = page.length === PAGE ? page[page.length - 1]! : null;
    } while (cursor);
    return requeued;
  }

  private async withoutDrain(outboxes: Array<{ conversationId: string; direction: Direction }>): Promise<typeof outboxes> {
    if (outboxes.length === 0) return [];
    const { keys } = this.queue;
    const ids = values(await outboxes.reduce((p, o) => p.get(`${keys.de}:${drainDedupId(o.conversationId, o.direction)}`), this.redis.pipeline()).exec()) as Array<string | null>;
    const probe = this.redis.pipeline();
    for (const id of ids) if (id) probe.exists(this.queue.toKey(id));
    const exists = values(await probe.exec());
    let at = 0;
    return outboxes.filter((_, i) => !(ids[i] && exists[at++] === 1));
  }
}
