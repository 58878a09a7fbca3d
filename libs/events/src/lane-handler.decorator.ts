import { SetMetadata } from '@nestjs/common';

export const LANE_HANDLER = Symbol('LANE_HANDLER');

/**
 * What drains one kind of lane, in order, in every process that has it: a provider marked
 * @LaneHandler(kind). Throw to have the item retried in place (see lane-failure.ts for how long).
 */
export interface LaneHandlerFor {
  /** `decoded`: the value `item` was encoded from, when this process accepted it (no re-parse). */
  handle(item: string, decoded?: unknown): Promise<void>;
  /** The item was dead-lettered and its lane moved on: tell whoever waits for it. Failures are logged, not retried. */
  onDeadLetter?(item: string, decoded: unknown, deadLetter: { id: string; code: string }): Promise<void>;
}

/** One handler per lane kind; LaneInboxService finds them at boot and refuses two for one kind. */
export const LaneHandler = (kind: string): ClassDecorator => SetMetadata(LANE_HANDLER, kind);
