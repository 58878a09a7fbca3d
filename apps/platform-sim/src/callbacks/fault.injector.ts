export class FaultInjector {
  private readonly pending = new Map<string, { status: number; remaining: number }>();
  latencyMs = 0;

  failNext(fn: string, status: number, times = 1): void {
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error(`failNext: ${status} is not an HTTP status`);
    if (!Number.isInteger(times) || times < 1) throw new Error('failNext: times must be a positive integer');
    this.pending.set(fn, { status, remaining: times });
  }

  take(fn: string): number | undefined {
    const fault = this.pending.get(fn);
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.pending.delete(fn);
    return fault.status;
  }

  clear(): void {
    this.pending.clear();
    this.latencyMs = 0;
  }
}
