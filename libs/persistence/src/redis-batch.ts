import type Redis from 'ioredis';
import { TurnBatch } from './turn-batch';

interface Command {
  command: string;
  args: Array<string | number>;
  durable: boolean;
}

/** How many replicas must have a durable write, and how long to wait for them (Redis's WAIT). */
export interface Durability {
  replicas: number;
  timeoutMs: number;
}

/**
 * A durable write that fewer replicas than asked acknowledged in time. The write is on the primary
 * (`value` is its reply), but a failover now could lose it: the caller refuses, the sender retries.
 */
export class NotReplicatedError extends Error {
  readonly retryable = true;
  readonly code = 'NOT_REPLICATED';

  constructor(readonly value: unknown, acknowledged: number, wanted: number) {
    super(`Redis write acknowledged by ${acknowledged} of ${wanted} replica(s)`);
    this.name = 'NotReplicatedError';
  }
}

type Pipeline = Commands & { exec(): Promise<Array<[Error | null, unknown]> | null> };

/**
 * The commands of one event-loop turn as one pipeline (a TurnBatch), at most `maxInFlight` awaiting
 * replies. Not ioredis's auto-pipelining: it keeps one batch in flight, so under load each batch
 * waits for the previous one's replies (bench/README.md). `command` must exist on pipelines too.
 * With `durability`, a batch holding a durable call ends with one WAIT, shared by the batch.
 */
export class RedisBatch {
  private readonly batch: TurnBatch<Command, unknown>;

  constructor(redis: Redis, maxInFlight = 2, private readonly durability: Durability | null = null) {
    const waits = (commands: Command[]): boolean => (this.durability?.replicas ?? 0) > 0 && commands.some((c) => c.durable);
    const many = async (commands: Command[]): Promise<Array<PromiseSettledResult<unknown>>> => {
      const pipeline = redis.pipeline() as unknown as Pipeline;
      for (const { command, args } of commands) pipeline[command]!(...args);
      const wait = waits(commands) ? this.durability! : null;
      if (wait) pipeline.wait!(wait.replicas, wait.timeoutMs);
      const results = await pipeline.exec();
      const [waitError, acknowledged] = wait ? (results?.[commands.length] ?? [new Error('Redis pipeline returned no reply'), 0]) : [null, 0];
      return commands.map(({ durable }, i): PromiseSettledResult<unknown> => {
        const [error, value] = results?.[i] ?? [new Error('Redis pipeline returned no reply'), undefined];
        if (error) return { status: 'rejected', reason: error };
        if (wait && durable && (waitError || Number(acknowledged) < wait.replicas)) {
          return { status: 'rejected', reason: new NotReplicatedError(value, waitError ? 0 : Number(acknowledged), wait.replicas) };
        }
        return { status: 'fulfilled', value };
      });
    };
    this.batch = new TurnBatch<Command, unknown>(
      async (item) => {
        if (waits([item])) {
          const [result] = await many([item]);
          if (result!.status === 'rejected') throw result!.reason;
          return result!.value;
        }
        return (redis as unknown as Commands)[item.command]!(...item.args);
      },
      many,
      maxInFlight,
    );
  }

  /** `durable`: fails with NotReplicatedError unless the configured replicas have it. */
  call(command: string, args: Array<string | number>, durable = false): Promise<unknown> {
    return this.batch.run({ command, args, durable });
  }
}

type Commands = Record<string, ((...args: Array<string | number>) => Promise<unknown>) | undefined>;
