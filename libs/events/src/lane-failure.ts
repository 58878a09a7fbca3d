import type { Failure } from '@agent-bridge/persistence';
import { LANE_RETRY } from '@agent-bridge/queue';

/**
 * The wait before the next attempt of a lane item, or null when it is to be dead-lettered now: a
 * refusal at once; an outage keeps its place (every lane needing that dependency waits alike) for
 * at most LANE_RETRY.outageHoldMs; anything else gets a few quick attempts.
 * `attempts`: attempts made so far; `heldMs`: how long the item has been failing.
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
