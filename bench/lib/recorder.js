'use strict';
// Arrival times of benchmark messages, by phase: texts look like `bench <phase>:<seq> …`.
const { nowMs } = require('./clock');

const PATTERN = /^bench ([A-Za-z0-9_-]+):(\d+)/;

class ArrivalRecorder {
  constructor() {
    this.phases = new Map();
  }

  /** Records the first arrival of a benchmark text; returns false for any other text. */
  see(text, at = nowMs()) {
    if (typeof text !== 'string' || !text.startsWith('bench ')) return false;
    const m = PATTERN.exec(text);
    if (!m) return false;
    let phase = this.phases.get(m[1]);
    if (!phase) this.phases.set(m[1], (phase = { seqs: [], times: [], seen: new Set(), duplicates: 0 }));
    const seq = Number(m[2]);
    if (phase.seen.has(seq)) {
      phase.duplicates++;
      return true;
    }
    phase.seen.add(seq);
    phase.seqs.push(seq);
    phase.times.push(at);
    return true;
  }

  count(phase) {
    return this.phases.get(phase)?.seqs.length ?? 0;
  }

  /** Hands over and forgets a phase's arrivals. */
  take(phase) {
    const p = this.phases.get(phase);
    this.phases.delete(phase);
    if (!p) return { seqs: new Float64Array(0), times: new Float64Array(0), duplicates: 0 };
    return { seqs: Float64Array.from(p.seqs), times: Float64Array.from(p.times), duplicates: p.duplicates };
  }
}

module.exports = { ArrivalRecorder };
