'use strict';
// Every arrival of a soak text, duplicates included, with its time on the shared monotonic clock.
// Soak texts look like `chaos <direction> <conv>:<seq>` (direction u: user -> agent, a: agent -> user).
const { nowMs } = require('../../bench/lib/clock');

const soakText = (direction, conv, seq) => `chaos ${direction} ${conv}:${seq}`;

class ArrivalLog {
  constructor(direction) {
    this.pattern = new RegExp(`^chaos ${direction} (\\d+):(\\d+)(?!\\d)`);
    this.rows = [];
    this.seen = new Set();
  }

  /** source: 'transcript' for a message a console agent read from the chat's history, not live. */
  see(text, at = nowMs(), source = undefined) {
    if (typeof text !== 'string') return false;
    const m = this.pattern.exec(text.trim());
    if (!m) return false;
    this.rows.push(source ? [Number(m[1]), Number(m[2]), at, source] : [Number(m[1]), Number(m[2]), at]);
    this.seen.add(`${m[1]}:${m[2]}`);
    return true;
  }

  /** Whether this soak text was seen already. */
  has(text) {
    const m = typeof text === 'string' && this.pattern.exec(text.trim());
    return Boolean(m) && this.seen.has(`${m[1]}:${m[2]}`);
  }

  /** Distinct soak messages seen (a duplicate counts once). */
  get size() {
    return this.seen.size;
  }

  list() {
    return this.rows;
  }
}

module.exports = { ArrivalLog, soakText };
