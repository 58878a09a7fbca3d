/** A process's heartbeat lives this long: a process that stopped beating is dead for its lanes after it. */
export const INSTANCE_TTL_MS = 3000;
const BEAT_EVERY_MS = 1000;

/**
 * Tells other processes this one is alive, so that the lanes of a crashed process are taken over
 * when its heartbeat expires (3 s), sooner than its leases would (LEASE_MS). It beats before the
 * process takes its first lease, on a timer of its own: no cost per item.
 */
export class InstanceHeartbeat {
  private started: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** True once the first beat is stored: the hot path checks this and awaits nothing. */
  beating = false;

  constructor(
    private readonly beat: () => Promise<unknown>,
    private readonly end: () => Promise<unknown>,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** Resolves once the first beat is stored (at once after that). */
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
