import type { Failure } from '@agent-bridge/persistence';
import { LANE_RETRY } from '@agent-bridge/queue';

/**
 * Null: dead-letter now. An outage keeps the item's place longer than other failures, since every
 * lane needing that dependency waits alike. `heldMs`: how long the item has been failing.
 */
export function nextRetryDelay(failure: Failure, attempts: number, heldMs: number): number | null {
  switch (failure.kind) {
    case 'refused':
      return null;
    case 'outage':
      if (heldMs >= LANE_RETRY.outageHoldMs) return null;
      return Math.min(LANE_RETRY.firstDelayMs * 2 ** (attempts - 1), LANE_RETRY.outageMaxDelayMs);
    case 'failed':
      if (attempts >= LANE_RETRY.attempts) return null;
      return Math.min(LANE_RETRY.firstDelayMs * 2 ** (attempts - 1), LANE_RETRY.maxDelayMs);
  }
}
