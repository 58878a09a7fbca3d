/** Types of fuzz-run.js, for test/fuzz.e2e-spec.ts. */
export interface FuzzMemory {
  heapUsed: number;
  rss: number;
  external: number;
}

export interface FuzzResult {
  seed: number;
  requests: number;
  byRoute: Record<string, Record<string, number>>;
  fiveXx: number;
  socketExceptions: number;
  crashed: boolean;
  liveAtEnd?: number;
  skipped: number;
  failures: Array<Record<string, string>>;
  memory: { start: FuzzMemory; afterWarmup?: FuzzMemory; end?: FuzzMemory };
  exit: { code: number | null; signal: string | null; stoppedBy: string };
  cleanup: string[];
}

export function runFuzz(options: { requests?: number; seed?: number; concurrency?: number; root?: string; outDir: string; log?: (message: string) => void }): Promise<FuzzResult>;
