'use strict';

/**
 * The RPC methods every soak child (a sandbox host, the console agents) serves alike: start and
 * stop its soak, report progress, what it sent and what arrived. `current` reads the child's soak.
 */
function soakMethods(startSoak, current, arrivals) {
  return {
    startSoak,
    // An acknowledged record has a numeric ack time (NaN until then).
    soakProgress: () => ({ done: current()?.done ?? 0, acked: current() ? current().records.filter((r) => !Number.isNaN(r.ack)).length : 0 }),
    stopSoak: () => {
      if (current()) current().stopped = true;
    },
    sent: () => current()?.records ?? [],
    arrivals: () => arrivals.list(),
    arrivalCount: () => arrivals.size,
  };
}

module.exports = { soakMethods };
