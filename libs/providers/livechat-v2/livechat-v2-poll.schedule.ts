import type { Queue } from 'bullmq';
import { JOB_OPTIONS, JOBS, jobId, type LiveChatV2PollJob } from '@agent-bridge/queue';

/**
 * A poll that fails is retried soon (within a poll interval) so a short blip does not eat into
 * LiveChat's ~30 s keep-alive; the scheduler's next tick polls anyway. Completed polls are not kept:
 * there is one every few seconds per chat.
 */

export function pollSchedulerId(conversationId: string): string {
  return jobId('v2poll', conversationId);
}

/**
 * One BullMQ job scheduler per chat (kept in Redis, so polling survives a restart). The start and
 * the period are both jittered so that many chats opened together do not poll on the same tick.
 */
export async function startPolling(queue: Queue<LiveChatV2PollJob>, conversationId: string, pollSeconds: number): Promise<void> {
  const periodMs = pollSeconds * 1000;
  const maxJitterMs = Math.min(1000, periodMs / 10);
  await queue.upsertJobScheduler(
    pollSchedulerId(conversationId),
    { every: Math.round(periodMs + Math.random() * maxJitterMs), startDate: Date.now() + Math.round(Math.random() * periodMs) },
    { name: JOBS.livechatV2Poll, data: { conversationId }, opts: JOB_OPTIONS[JOBS.livechatV2Poll] },
  );
}

/** Idempotent: removing a scheduler that is gone is fine. */
export async function stopPolling(queue: Queue<LiveChatV2PollJob>, conversationId: string): Promise<void> {
  await queue.removeJobScheduler(pollSchedulerId(conversationId));
}

export async function isPolling(queue: Queue<LiveChatV2PollJob>, conversationId: string): Promise<boolean> {
  return (await queue.getJobScheduler(pollSchedulerId(conversationId))) !== undefined;
}
