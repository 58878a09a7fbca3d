import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';
import { JOBS, QUEUES, type DrainConversationJob } from '@agent-bridge/queue';
import { conversationOf, type InboundEvent } from './inbound-event';

const DEDUPE_TTL_SECONDS = 24 * 3600;

// Dedupe and enqueue in one atomic step: a redelivered event (same bot, event and requestId)
// finds its key and is not queued twice; a new one is appended to its conversation's inbox.
const ACCEPT_SCRIPT = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0`;

export interface AcceptResult {
  duplicate: boolean;
}

/**
 * The durable hand-over between the HTTP ack and the workers. Each conversation has an inbox (a
 * Redis list, FIFO) drained by at most one job at a time, which keeps events in arrival order per
 * conversation while conversations proceed in parallel.
 */
@Injectable()
export class EventInboxService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @InjectQueue(QUEUES.events) private readonly queue: Queue<DrainConversationJob>,
  ) {
    this.redis.defineCommand('abAcceptEvent', { numberOfKeys: 2, lua: ACCEPT_SCRIPT });
  }

  inboxKey(conversation: string): string {
    return this.keys.key('inbox', conversation);
  }

  async accept(event: InboundEvent): Promise<AcceptResult> {
    const conversation = conversationOf(event);
    const dedupeKey = this.keys.key('dedupe', event.botId, event.eventName, event.requestId);
    const accepted = (await (this.redis as unknown as AcceptCommand).abAcceptEvent(
      dedupeKey,
      this.inboxKey(conversation),
      DEDUPE_TTL_SECONDS,
      JSON.stringify(event),
    )) as number;
    // Scheduled for duplicates too: if a crash came between the inbox write and this call, the
    // platform's redelivery is what gets the inbox drained.
    await this.scheduleDrain(conversation);
    return { duplicate: accepted === 0 };
  }

  /** At most one drain job runs per conversation; one more is kept if events arrive meanwhile. */
  scheduleDrain(conversation: string): Promise<unknown> {
    return this.queue.add(
      JOBS.drainConversation,
      { conversation },
      { deduplication: { id: `drain:${conversation}`, keepLastIfActive: true } },
    );
  }
}

interface AcceptCommand {
  abAcceptEvent(dedupeKey: string, inboxKey: string, ttl: number, event: string): Promise<unknown>;
}
