import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Job } from 'bullmq';
import { JOB_HANDLER, type JobHandlerFor } from './job-handler.decorator';
import { JOB_QUEUE, type JobName, type QueueName } from './queue.constants';

/** A missing or duplicated handler for a consumed queue's job fails start-up, not a job. */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, JobHandlerFor<JobName>>();
  private consumed = new Set<QueueName>();

  constructor(private readonly discovery: DiscoveryService) {}

  consume(queues: QueueName[]): void {
    this.consumed = new Set(queues);
  }

  onModuleInit(): void {
    const found = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const name = Reflect.getMetadata(JOB_HANDLER, metatype) as JobName | undefined;
      if (!name) continue;
      found.set(name, [...(found.get(name) ?? []), metatype.name]);
      this.handlers.set(name, instance as JobHandlerFor<JobName>);
    }
    const problems: string[] = [];
    for (const [name, queue] of Object.entries(JOB_QUEUE) as Array<[JobName, QueueName]>) {
      if (!this.consumed.has(queue)) continue;
      const owners = found.get(name) ?? [];
      if (owners.length === 0) problems.push(`job "${name}" on queue "${queue}" has no handler`);
      if (owners.length > 1) problems.push(`job "${name}" has ${owners.length} handlers: ${owners.join(', ')}`);
    }
    for (const name of found.keys()) {
      if (!(name in JOB_QUEUE)) problems.push(`handler for undeclared job "${name}"`);
    }
    if (problems.length > 0) throw new Error(`Job handlers do not match the declared jobs:\n  - ${problems.join('\n  - ')}`);
  }

  async dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    // Unreachable after the boot check, unless a job was enqueued by a newer version of the service.
    if (!handler) throw new Error(`no handler for job "${job.name}"`);
    return handler.handle(job as Job<never>);
  }
}
