export const INSTANCE_TTL_MS = 3000;
const BEAT_EVERY_MS = 1000;

/**
 * Lets the lanes of a crashed process be taken over when its heartbeat expires, sooner than its
 * leases would. It beats before the first lease, on a timer of its own: no cost per item.
 */
export class InstanceHeartbeat {
  private started: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The hot path checks this and awaits nothing. */
  beating = false;

  constructor(
    private readonly beat: () => Promise<unknown>,
    private readonly end: () => Promise<unknown>,
    private readonly failed: (error: unknown) => void,
  ) {}

  ensure(): Promise<void> {
    this.started ??= this.beat().then(() => {
      this.timer = setInterval(() => void this.beat().catch(this.failed), BEAT_EVERY_MS).unref();
      this.beating = true;
    });
    // A first beat that failed (Redis away) is tried again by the next caller.
    return this.started.catch((error: unknown) => {
      this.started = null;
      throw error;
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.beating = false;
    if (this.started) await this.end().catch(this.failed);
    this.started = null;
  }
}
