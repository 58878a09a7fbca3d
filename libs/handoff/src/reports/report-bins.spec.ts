import { addHistogram, BINS, EDGES, newHistograms, percentiles } from './report-bins';

/** width_bucket(seconds, EDGES), as Postgres numbers the bins. */
const bin = (seconds: number) => EDGES.filter((edge) => edge <= seconds).length;
const pack = (bins: Map<number, number>) => {
  const out = Buffer.alloc(bins.size * 6);
  [...bins].sort((a, b) => a[0] - b[0]).forEach(([b, n], i) => {
    out.writeInt16BE(b, i * 6);
    out.writeInt32BE(n, i * 6 + 2);
  });
  return out;
};

describe('report bins', () => {
  it('are 1 s wide under 2 minutes and coarser above, ending with one bin for 48 h or more', () => {
    expect(EDGES.slice(0, 3)).toEqual([0, 1, 2]);
    expect(EDGES.slice(119, 122)).toEqual([119, 120, 130]);
    expect(EDGES.slice(167, 170)).toEqual([590, 600, 660]);
    expect(EDGES[BINS - 1]).toBe(172_800);
    expect(BINS).toBe(299);
  });

  it('give the nearest-rank p50 and p90 to the bin, as percentile_disc would, for any count', () => {
    for (let n = 1; n <= 40; n++) {
      const values = Array.from({ length: n }, (_, i) => (i * 37) % 113 + 0.5);
      const counts = new Map<number, number>();
      for (const v of values) counts.set(bin(v), (counts.get(bin(v)) ?? 0) + 1);
      const hist = newHistograms();
      addHistogram(hist, 1, pack(counts));
      const sorted = [...values].sort((a, b) => a - b);
      const rank = (p: number) => sorted[Math.ceil(p * n) - 1]!;
      // Under 2 minutes a bin is the whole second: the floor of the observed value.
      expect(percentiles(hist, 1)).toEqual([Math.floor(rank(0.5)), Math.floor(rank(0.9))]);
      expect(percentiles(hist, 0)).toEqual([null, null]);
    }
  });
});
