/** Short, so a crashed process's lanes flow again within seconds; a longer handler keeps it by renewal. */
export const LEASE_MS = 5000;
const RENEW_AFTER_MS = 1000;
const TICK_MS = 500;

export interface LaneHold {
  readonly lane: string;
  readonly token: string;
  renewedAt: number;
  /** This drain must not step: the new holder handles the item again. */
  lost: boolean;
}

/** One timer per process: only items slower than RENEW_AFTER_MS cost a Redis round trip. */
export class LeaseRenewer {
  private readonly holds = new Set<LaneHold>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;

  constructor(
    private readonly renew: (hold: LaneHold) => Promise<boolean>,
    private readonly lost: (hold: LaneHold) => void,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** Call right after the step, claim or append that set the lease. */
  hold(lane: string, token: string): LaneHold {
    const hold: LaneHold = { lane, token, renewedAt: Date.now(), lost: false };
    this.holds.add(hold);
    this.timer ??= setInterval(() => void this.tick(), TICK_MS).unref();
    return hold;
  }

  release(hold: LaneHold): void {
    this.holds.delete(hold);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.holds.size === 0) return;
    this.ticking = true;
    const now = Date.now();
    try {
      await Promise.all(
        [...this.holds]
          .filter((hold) => !hold.lost && now - hold.renewedAt >= RENEW_AFTER_MS)
          .map(async (hold) => {
            try {
              if (await this.renew(hold)) {
                hold.renewedAt = now;
              } else if (this.holds.has(hold)) {
                hold.lost = true;
                this.lost(hold);
              }
            } catch (error) {
              // Redis away: nobody can take the lane meanwhile; the next tick tries again.
              this.failed(error);
            }
          }),
      );
    } finally {
      this.ticking = false;
    }
  }
}
