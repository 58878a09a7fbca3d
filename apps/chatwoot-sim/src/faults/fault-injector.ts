/** Faults the next API calls meet; `route` is a route name (`messages.create`) or `*`. */
export interface ApiFaultInput {
  kind: 'rate-limit' | 'error' | 'delay';
  times?: number;
  route?: string;
  /** `error`: the status to answer (default 500). */
  status?: number;
  /** `rate-limit`: the `Retry-After` value; null leaves the header out, as Rack::Attack does by default. */
  retryAfterSeconds?: number | null;
  /** `delay`: how long to hold the answer. */
  delayMs?: number;
}

export interface ApiFault {
  kind: ApiFaultInput['kind'];
  remaining: number;
  route: string;
  status: number;
  retryAfterSeconds: number | null;
  delayMs: number;
}

export interface TakenFaults {
  delayMs: number;
  failure?: ApiFault;
}

export class FaultInjector {
  private faults: ApiFault[] = [];
  /** Added to every API answer. */
  latencyMs = 0;

  add(input: ApiFaultInput): ApiFault {
    const fault: ApiFault = {
      kind: input.kind,
      remaining: input.times ?? 1,
      route: input.route ?? '*',
      status: input.kind === 'rate-limit' ? 429 : (input.status ?? 500),
      retryAfterSeconds: input.retryAfterSeconds === undefined ? 1 : input.retryAfterSeconds,
      delayMs: input.delayMs ?? 0,
    };
    if (fault.remaining > 0) this.faults.push(fault);
    return fault;
  }

  /** Consumes, for this call, the oldest matching delay and the oldest matching failure. */
  take(route: string): TakenFaults {
    let delayMs = this.latencyMs;
    const delay = this.consume(route, (f) => f.kind === 'delay');
    if (delay) delayMs += delay.delayMs;
    const failure = this.consume(route, (f) => f.kind !== 'delay');
    return failure ? { delayMs, failure } : { delayMs };
  }

  pending(): ApiFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  reset(): void {
    this.faults = [];
    this.latencyMs = 0;
  }

  private consume(route: string, kind: (f: ApiFault) => boolean): ApiFault | undefined {
    const index = this.faults.findIndex((f) => kind(f) && (f.route === '*' || f.route === route));
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }
}
