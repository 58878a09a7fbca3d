interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/** One call for all the items, answered item by item in their order. */
type RunMany<I, O> = (items: I[]) => Promise<Array<PromiseSettledResult<O>>>;

/**
 * The calls of one event-loop turn go out together at its check phase (`many`, or `one` for a lone
 * call), at most `maxInFlight` runs at once: under saturation batches grow and round trips stay few.
 * A failed item fails only its own call; a `many` that throws fails the whole batch.
 */
export class TurnBatch<I, O> {
  private pending: Array<Waiting<I, O>> | null = null;
  private scheduled = false;
  private inFlight = 0;
  private readonly flush = (): void => {
    this.scheduled = false;
    this.send();
  };
  private readonly answered = (): void => {
    this.inFlight--;
    if (this.pending && !this.scheduled) this.send();
  };

  constructor(
    private readonly one: (item: I) => Promise<O>,
    private readonly many: RunMany<I, O>,
    private readonly maxInFlight = 2,
  ) {}

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (!this.pending) this.pending = [];
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled && this.inFlight < this.maxInFlight) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private send(): void {
    if (!this.pending || this.inFlight >= this.maxInFlight) return;
    const batch = this.pending;
    this.pending = null;
    this.inFlight++;
    if (batch.length === 1) {
      const only = batch[0]!;
      // Called inside then(): a `one` that throws instead of rejecting fails its call, not the batcher.
      Promise.resolve(only.item).then(this.one).then(only.resolve, only.reject).finally(this.answered);
      return;
    }
    Promise.resolve(batch.map((waiting) => waiting.item))
      .then(this.many)
      .then(
        (results) => {
          for (let i = 0; i < batch.length; i++) {
            const result = results[i];
            if (!result) batch[i]!.reject(new Error(`a batch of ${batch.length} answered ${results.length} item(s)`));
            else if (result.status === 'fulfilled') batch[i]!.resolve(result.value);
            else batch[i]!.reject(result.reason);
          }
        },
        (error: unknown) => {
          for (const waiting of batch) waiting.reject(error);
        },
      )
      .finally(this.answered);
  }
}
