/** Types of kmeans-kernels.mjs (plain JavaScript so that worker threads can load it without tsx). */

/**
 * Everything a kernel reads and writes. When worker threads are used, every array is backed by a
 * SharedArrayBuffer and the same object is posted to each worker.
 */
export interface KernelContext {
  /** The data, n × d, row-major. */
  x: Float64Array;
  n: number;
  d: number;
  k: number;
  /** Centres, k × d, row-major. */
  centres: Float64Array;
  labels: Int32Array;
  /** Hamerly's upper bound on ‖x_i − c_label(i)‖. */
  upper: Float64Array;
  /** Hamerly's lower bound on the distance from x_i to its second-closest centre. */
  lower: Float64Array;
  /** s(j): half the distance from centre j to its nearest other centre. */
  halfSep: Float64Array;
  /** p(j): how far centre j moved in the last update. */
  shift: Float64Array;
  /** Per-chunk, per-cluster coordinate sums: chunk c starts at c * sumStride. */
  chunkSums: Float64Array;
  /** max(k, 2) · d. */
  sumStride: number;
  /** Per-chunk cluster sizes, chunk c starts at c * k. */
  chunkCounts: Float64Array;
  /** Per-chunk scalars, SCALARS per chunk. */
  chunkScalars: Float64Array;
  /** k-means++: squared distance of each row to its closest chosen centre. */
  closest: Float64Array;
  /** k-means++: the candidate centres of the current greedy step, maxTrials × d. */
  cands: Float64Array;
  /** k-means++: d²(row i, candidate t) at [i * maxTrials + t]. */
  candRowDist: Float64Array;
  /** k-means++: per-chunk potential for each candidate, chunk c starts at c * maxTrials. */
  chunkPot: Float64Array;
  maxTrials: number;
}

export declare const CHUNK_ROWS: number;
export declare const SCALARS: number;
export declare const OP_MOMENTS: number;
export declare const OP_SEED_FIRST: number;
export declare const OP_SEED_EVAL: number;
export declare const OP_SEED_COMMIT: number;
export declare const OP_ASSIGN_FULL: number;
export declare const OP_ASSIGN_HAMERLY: number;
export declare const OP_INERTIA: number;

/** The squared-distance function for dimension d (unrolled): ‖x[xo..xo+d) − c[co..co+d)‖². */
export declare function dist2For(
  d: number,
): (x: Float64Array, xo: number, c: Float64Array, co: number) => number;

/** Adds (or subtracts) x[xo..xo+d) to s[so..so+d), unrolled for dimension d. */
export declare function addRowFor(
  d: number,
  op?: '+=' | '-=',
): (s: Float64Array, so: number, x: Float64Array, xo: number) => void;

/** The number of chunks for n rows. */
export declare function chunkCount(n: number): number;

/** Runs kernel `op` over chunks [c0, c1). */
export declare function runKernel(
  ctx: KernelContext,
  op: number,
  c0: number,
  c1: number,
  args: readonly number[],
): void;
