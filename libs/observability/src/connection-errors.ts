import { Logger } from '@nestjs/common';

const EVERY_MS = 10_000;

/**
 * Every reconnection attempt raises one, many a second while Redis is away; unheard, ioredis and
 * BullMQ print each with its stack. One log line per source every 10 s, with the count held back.
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
