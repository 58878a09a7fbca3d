import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { classifyFailure } from '@agent-bridge/persistence';
import { LaneInboxService } from './lane-inbox.service';

export const SWEEP_EVERY_MS = 1000;
const LOG_EVERY_MS = 30_000;

/** An in-process timer, not a BullMQ scheduler: nothing to lose when Redis is emptied, no worker needed. */
@Injectable()
export class LaneSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LaneSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private loggedAt = 0;

  constructor(private readonly lanes: LaneInboxService) {}

  onApplicationBootstrap(): void {
    void this.run();
    this.schedule();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const delay = SWEEP_EVERY_MS * (0.8 + Math.random() * 0.4);
    this.timer = setTimeout(() => {
      void this.run().finally(() => {
        if (this.timer) this.schedule();
      });
    }, delay).unref();
  }

  private async run(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.lanes.sweep();
    } catch (error) {
      // Redis away: every sweep fails until it is back.
      if (Date.now() - this.loggedAt > LOG_EVERY_MS) {
        this.loggedAt = Date.now();
        this.logger.warn(`lane sweep failed (${classifyFailure(error).code})`);
      }
    } finally {
      this.sweeping = false;
    }
  }
}
