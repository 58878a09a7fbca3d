/** How many lanes get their catch-up item at once. */
const BATCH = 500;

/**
 * The order guard of a desk whose webhooks go to per-chat lanes. A webhook refused while a store
 * was away may come back late (after newer ones) or never: before anything is accepted again, every
 * open chat's lane gets a catch-up item, as at start, so a newer message never overtakes a missed
 * one. Concurrent webhooks wait for the same catch-up.
 */
export class CatchUpGate {
  private refusedSince: number | null = null;
  private catchingUp: Promise<void> | null = null;

  /** `openRefs` lists the open chats; `queueOne` puts a catch-up item in one chat's lane; `queued` is told how many got one. */
  constructor(
    private readonly openRefs: () => Promise<string[]>,
    private readonly queueOne: (ref: string, now: number, cause: string) => Promise<unknown>,
    private readonly queued: (count: number, cause: string) => void = () => undefined,
  ) {}

  /** A catch-up in every open chat's lane (at start, and after a refusal). */
  async queueAll(cause: string): Promise<void> {
    const refs = await this.openRefs();
    const now = Date.now();
    for (let i = 0; i < refs.length; i += BATCH) {
      await Promise.all(refs.slice(i, i + BATCH).map((ref) => this.queueOne(ref, now, cause)));
    }
    if (refs.length) this.queued(refs.length, cause);
  }

  /** Runs `accept` behind the gate: after the catch-up a refusal called for, and marks a refusal if it throws. */
  async accept<T>(accept: () => Promise<T>): Promise<T> {
    try {
      if (this.refusedSince !== null) await this.afterRefusal();
      return await accept();
    } catch (error) {
      this.refusedSince ??= Date.now();
      throw error;
    }
  }

  private afterRefusal(): Promise<void> {
    const since = this.refusedSince;
    this.catchingUp ??= this.queueAll(`refused.${since}`)
      .then(() => {
        if (this.refusedSince === since) this.refusedSince = null;
      })
      .finally(() => {
        this.catchingUp = null;
      });
    return this.catchingUp;
  }
}
