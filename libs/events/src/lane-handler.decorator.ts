import { SetMetadata } from '@nestjs/common';

export const LANE_HANDLER = Symbol('LANE_HANDLER');

/** Throw to have the item retried in place (lane-failure.ts says how long). */
export interface LaneHandlerFor {
  /** `decoded`: the value `item` was encoded from, when this process accepted it. */
  handle(item: string, decoded?: unknown): Promise<void>;
  /** Failures are logged, not retried: the lane has moved on. */
  onDeadLetter?(item: string, decoded: unknown, deadLetter: { id: string; code: string }): Promise<void>;
}

export const LaneHandler = (kind: string): ClassDecorator => SetMetadata(LANE_HANDLER, kind);
