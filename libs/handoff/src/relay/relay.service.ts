import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JOB_OPTIONS, JOBS, QUEUES, type SessionJob } from '@agent-bridge/queue';
import type { Conversation } from '../conversations/conversation.types';
import { TranscriptRepository, type Author, type Direction, type TranscriptMessage } from './transcript.repository';

/** At most one drain waits per conversation and direction. */
export function drainDedupId(conversationId: string, direction: Direction): string {
  return `${direction}:${conversationId}`;
}

/**
 * A message is a transcript row first, then delivered by the one drain of its conversation and direction,
 * so messages arrive in order; redeliveries are dropped by their external id.
 */
@Injectable()
export class RelayService {
  constructor(
    private readonly transcript: TranscriptRepository,
    @InjectQueue(QUEUES.delivery) private readonly queue: Queue<SessionJob>,
  ) {}

  async toUser(
    conversation: Conversation,
    text: string,
    options: { externalId?: string; author?: Author; authorName?: string | null; sentAt?: string | null } = {},
  ): Promise<TranscriptMessage | null> {
    const stored = await this.transcript.append({
      conversationId: conversation.id,
      direction: 'to_user',
      author: options.author ?? 'system',
      authorName: options.authorName ?? null,
      text,
      externalId: options.externalId ?? null,
      sentAt: options.sentAt ?? null,
    });
    if (stored) await this.drain(conversation.id, 'to_user');
    return stored;
  }

  drain(conversationId: string, direction: Direction): Promise<unknown> {
    const name = direction === 'to_user' ? JOBS.deliverToUser : JOBS.deliverToAgent;
    return this.queue.add(name, { conversationId }, {
      ...JOB_OPTIONS[name],
      deduplication: { id: drainDedupId(conversationId, direction), keepLastIfActive: true },
    });
  }
}
