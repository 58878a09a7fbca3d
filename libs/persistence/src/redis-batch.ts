import type Redis from 'ioredis';
import { TurnBatch } from './turn-batch';

interface Command {
  command: string;
  args: Array<string | number>;
}

/**
 * The commands of one event-loop turn as one pipeline (a TurnBatch), at most `maxInFlight` awaiting
 * replies. Not ioredis's auto-pipelining: it keeps one batch in flight, so under load each batch
 * waits for the previous one's replies (bench/README.md). `command` must exist on pipelines too.
 */
export class RedisBatch {
  private readonly batch: TurnBatch<Command, unknown>;

  constructor(redis: Redis, maxInFlight = 2) {
    this.batch = new TurnBatch<Command, unknown>(
      ({ command, args }) => (redis as unknown as Commands)[command]!(...args),
      async (commands) => {
        const pipeline = redis.pipeline() as unknown as Commands & { exec(): Promise<Array<[Error | null, unknown]> | null> };
        for (const { command, args } of commands) pipeline[command]!(...args);
        const results = await pipeline.exec();
        return commands.map((_, i): PromiseSettledResult<unknown> => {
          const [error, value] = results?.[i] ?? [new Error('Redis pipeline returned no reply'), undefined];
          return error ? { status: 'rejected', reason: error } : { status: 'fulfilled', value };
        });
      },
      maxInFlight,
    );
  }

  call(command: string, args: Array<string | number>): Promise<unknown> {
    return this.batch.run({ command, args });
  }
}

type Commands = Record<string, ((...args: Array<string | number>) => Promise<unknown>) | undefined>;
