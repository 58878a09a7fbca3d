import type { CallFilter, RecordedCall } from '../sim.types';

interface Waiter {
  filter: CallFilter;
  count: number;
  seen: RecordedCall[];
  resolve: (calls: RecordedCall[]) => void;
}

export function matches(call: RecordedCall, filter: CallFilter): boolean {
  return (
    (filter.botId === undefined || call.botId === filter.botId) &&
    (filter.fn === undefined || call.fn === filter.fn) &&
    (filter.userId === undefined || call.userId === filter.userId) &&
    (filter.requestId === undefined || call.requestId === filter.requestId) &&
    (filter.status === undefined || call.status === filter.status)
  );
}

/**
 * Every callback the bridge made, in a ring buffer so a long benchmark cannot grow it without bound.
 * Waiters keep their own matches, so a wait still completes if old calls have been overwritten.
 */
export class CallRecorder {
  private readonly ring: Array<RecordedCall | undefined>;
  private next = 0;
  private size = 0;
  private waiters = new Set<Waiter>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('maxRecordedCalls must be a positive integer');
    this.ring = new Array<RecordedCall | undefined>(capacity);
  }

  record(call: RecordedCall): void {
    this.ring[this.next] = call;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    for (const waiter of this.waiters) {
      if (!matches(call, waiter.filter)) continue;
      waiter.seen.push(call);
      if (waiter.seen.length >= waiter.count) {
        this.waiters.delete(waiter);
        waiter.resolve(waiter.seen);
      }
    }
  }

  list(filter: CallFilter = {}): RecordedCall[] {
    const out: RecordedCall[] = [];
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const call = this.ring[(start + i) % this.capacity]!;
      if (matches(call, filter)) out.push(call);
    }
    return out;
  }

  /** Resolves with the first `count` matching calls, counting those already recorded. */
  waitFor(filter: CallFilter, count: number, timeoutMs: number): Promise<RecordedCall[]> {
    const existing = this.list(filter);
    if (existing.length >= count) return Promise.resolve(existing.slice(0, count));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(this.describeTimeout(filter, count, waiter.seen.length, timeoutMs)));
      }, timeoutMs);
      const waiter: Waiter = {
        filter,
        count,
        seen: existing,
        resolve: (calls) => {
          clearTimeout(timer);
          resolve(calls.slice(0, count));
        },
      };
      this.waiters.add(waiter);
    });
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
  }

  private describeTimeout(filter: CallFilter, count: number, got: number, timeoutMs: number): string {
    const recent = this.list().slice(-20);
    const lines = recent.map(
      (c) => `  ${c.fn} ${c.method} ${c.path} -> ${c.status} (bot ${c.botId}, user ${c.userId ?? '-'}, request ${c.requestId ?? '-'})`,
    );
    return [
      `waitForCalls: wanted ${count} call(s) matching ${JSON.stringify(filter)} within ${timeoutMs} ms, saw ${got}.`,
      recent.length ? `Last ${recent.length} call(s) the platform received:` : 'The platform received no calls at all.',
      ...lines,
    ].join('\n');
  }
}
