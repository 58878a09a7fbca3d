import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { BotkitPayload } from '@agent-bridge/botkit';
import { JOBS, QUEUES, jobId, type CompleteExampleBookingJob } from '@agent-bridge/queue';
import { AsyncResponse, WebhookComponent, type WebhookHandler, type WebhookRequest } from '../webhook-handler';

/** How long the pretend booking system takes; long enough to show the 202, short enough for a demo. */
export const EXAMPLE_BOOKING_DELAY_MS = 1000;

/**
 * Kore's `BookTheCab` async example: 202 at once, book in a durable BullMQ job (not an in-process
 * timer, lost on restart), then respondToHook. Copy it and list yours in WEBHOOK_HANDLERS.
 */
@Injectable()
@WebhookComponent('BookTheCab')
export class ExampleCabBookingHandler implements WebhookHandler {
  constructor(@InjectQueue(QUEUES.hooks) private readonly queue: Queue<CompleteExampleBookingJob>) {}

  async handle(request: WebhookRequest): Promise<BotkitPayload | AsyncResponse> {
    await this.queue.add(
      JOBS.completeExampleBooking,
      { botId: request.botId, requestId: request.requestId },
      { delay: EXAMPLE_BOOKING_DELAY_MS, jobId: jobId('example-booking', request.botId, request.requestId) },
    );
    return new AsyncResponse();
  }
}
