import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { BotkitClient } from '@agent-bridge/botkit';
import { JobHandler, JOBS, type CompleteExampleBookingJob, type JobHandlerFor } from '@agent-bridge/queue';

/** Second half of ExampleCabBookingHandler. */
@Injectable()
@JobHandler(JOBS.completeExampleBooking)
export class CompleteExampleBookingHandler implements JobHandlerFor<typeof JOBS.completeExampleBooking> {
  private readonly logger = new Logger(CompleteExampleBookingHandler.name);

  constructor(private readonly botkit: BotkitClient) {}

  async handle(job: Job<CompleteExampleBookingJob>): Promise<{ skipped?: string }> {
    const payload = await this.botkit.getSavedData(job.data.botId, job.data.requestId);
    if (!payload) {
      // Expired or already answered: nothing left to do, and retrying would not change that.
      this.logger.warn(`example booking ${job.data.requestId}: saved request not found, skipped`);
      return { skipped: 'request not found' };
    }
    const context = { ...(payload.context ?? {}) };
    const entities = (context.entities ?? {}) as Record<string, unknown>;
    context.bookedCab = { cab: entities.selectedCab ?? 'Sedan', eta: '5 min', bookingId: `bk-${job.data.requestId.slice(-8)}` };
    context.successful = true;
    await this.botkit.respondToHook({ ...payload, context });
    return {};
  }
}
