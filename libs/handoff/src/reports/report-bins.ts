/*
 * Fixed duration bins of the reports' percentiles (wait, first response, handle time), the same for
 * the rollup and for the rows read directly, so both answer alike. A percentile is the lower edge of
 * the bin holding the nearest-rank value: the whole second under 2 minutes, then 10 s to 10 minutes,
 * 1 minute to 1 hour, 5 minutes to 4 hours, 1 hour to 48 hours, and one bin for 48 hours or more.
 * Means stay exact (sums).
 */

const steps: Array<[from: number, to: number, width: number]> = [
  [0, 120, 1],
  [120, 600, 10],
  [600, 3600, 60],
  [3600, 14_400, 300],
  [14_400, 172_800, 3600],
];

/** Lower edges in seconds; bin b (1-based, as width_bucket numbers them) starts at EDGES[b - 1]. */
export const EDGES: readonly number[] = [...steps.flatMap(([from, to, width]) => Array.from({ length: (to - from) / width }, (_, i) => from + i * width)), 172_800];
export const BINS = EDGES.length;

/** The thresholds as a SQL array literal, for width_bucket(seconds, thresholds). */
export const EDGES_SQL = `'{${EDGES.join(',')}}'::float8[]`;

export const METRICS = ['wait', 'response', 'handle'] as const;
export type Metric = (typeof METRICS)[number];

/**
 * A histogram as stored: (int2 bin, int4 count) pairs, big-endian (int2send || int4send), bins ascending.
 * Added into `into` at [metric * (BINS + 1) + bin].
 */
export function addHistogram(into: Int32Array, metric: number, packed: Buffer | null | undefined): void {
  if (!packed) return;
  const base = metric * (BINS + 1);
  for (let i = 0; i + 6 <= packed.length; i += 6) into[base + packed.readInt16BE(i)]! += packed.readInt32BE(i + 2);
}

export function newHistograms(): Int32Array {
  return new Int32Array(METRICS.length * (BINS + 1));
}

/** Nearest-rank p50 and p90 (as percentile_disc), to the bin's lower edge; null when empty. */
export function percentiles(hist: Int32Array, metric: number): [number | null, number | null] {
  const base = metric * (BINS + 1);
  let n = 0;
  for (let b = 1; b <= BINS; b++) n += hist[base + b]!;
  if (n === 0) return [null, null];
  // Ranks ceil(n/2) and ceil(9n/10), in integers.
  const ranks = [Math.floor((n + 1) / 2), Math.floor((9 * n + 9) / 10)];
  const out: Array<number | null> = [];
  let seen = 0;
  let r = 0;
  for (let b = 1; b <= BINS && r < ranks.length; b++) {
    seen += hist[base + b]!;
    while (r < ranks.length && seen >= ranks[r]!) {
      out.push(EDGES[b - 1]!);
      r++;
    }
  }
  return [out[0] ?? null, out[1] ?? null];
}
