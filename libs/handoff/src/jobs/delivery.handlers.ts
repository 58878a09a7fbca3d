import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JOBS, type JobHandlerFor, type SessionJob } from '@agent-bridge/queue';
import { DeliveryService } from '../relay/delivery.service';

@Injectable()
@JobHandler(JOBS.deliverToUser)
export class DeliverToUserHandler implements JobHandlerFor<typeof JOBS.deliverToUser> {
  constructor(private readonly delivery: DeliveryService) {}

  handle(job: Job<SessionJob>): Promise<unknown> {
    return this.delivery.drainToUser(job);
  }
}

@Injectable()
@JobHandler(JOBS.deliverToAgent)
export class DeliverToAgentHandler implements JobHandlerFor<typeof JOBS.deliverToAgent> {
  constructor(private readonly delivery: DeliveryService) {}

  handle(job: Job<SessionJob>): Promise<unknown> {
    return this.delivery.drainToAgent(job);
  }
}
