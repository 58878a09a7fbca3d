/**
 * How long a lane's lease lasts past its holder's last step or renewal. Short, so that the lanes of
 * a crashed process flow again within seconds; a handler running longer keeps it by renewal.
 */
export const LEASE_MS = 5000;
/** A hold not renewed for this long is renewed at the next tick: the lease keeps 3.5 s or more to spare. */
const RENEW_AFTER_MS = 1000;
const TICK_MS = 500;

/** A drain inside a handler (or waiting to retry one): its lease is renewed until it lets go. */
export interface LaneHold {
  readonly lane: string;
  readonly token: string;
  renewedAt: number;
  /** Another holder has the lane now: this drain must not step (its item is handled again there). */
  lost: boolean;
}

/**
 * Renews the leases of the holds in flight, on one timer per process: a lane's hot path costs no
 * Redis round trip for this, only items that take longer than RENEW_AFTER_MS do.
 */
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
