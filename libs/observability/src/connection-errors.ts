import { Logger } from '@nestjs/common';

const EVERY_MS = 10_000;

/**
 * The connection errors of a Redis client, queue or worker (Redis unreachable, mostly): each retry
 * of the connection raises one, many a second. Logged through the service's logger (ioredis and
 * BullMQ print them to the console, stack and all, when nobody listens) at most once every 10 s
 * per source, with how many were held back.
 */
export class ConnectionErrors {
  private readonly logger = new Logger('Connections');
  private last = 0;
  private held = 0;

  constructor(private readonly source: string) {}

  readonly report = (error: Error): void => {
    const now = Date.now();
    if (now - this.last < EVERY_MS) {
      this.held++;
      return;
    }
    const held = this.held ? ` (${this.held} more since the last report)` : '';
    this.last = now;
    this.held = 0;
    this.logger.warn(`${this.source}: ${error.message}${held}`);
  };
}
