import { userError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { Rng } from '../core/rng.js';
import {
  CHUNK_ROWS,
  OP_ASSIGN_FULL,
  OP_ASSIGN_HAMERLY,
  OP_INERTIA,
  OP_MOMENTS,
  OP_SEED_COMMIT,
  OP_SEED_EVAL,
  OP_SEED_FIRST,
  SCALARS,
  chunkCount,
  type KernelContext,
} from './kmeans-kernels.mjs';
import { allocFloat64, allocInt32, isShared, type Matrix } from './matrix.js';
import {
  LocalExecutor,
  WorkerPool,
  defaultThreads,
  workerEntryAvailable,
  type Executor,
} from './worker-pool.js';

/**
 * Below this much work per assignment step (n · k · d multiply-adds) one thread is used: handing
 * chunks to a worker and waiting for it costs more than it saves. Measured on a 2-core machine,
 * see CONTEXT.md.
 */
export const PARALLEL_MIN_WORK = 4_000_000;

/** Settings for {@link kmeans}. */
export interface KMeansOptions {
  /** Number of clusters (1 ≤ k ≤ n). */
  k: number;
  /** Seed of the k-means++ draws; initialisation t uses stream t of this seed. Default 0. */
  seed?: number;
  /** Independent k-means++ initialisations; the run with the lowest inertia is kept. Default 1. */
  nInit?: number;
  /** Most Lloyd iterations per initialisation. Default 300. */
  maxIter?: number;
  /**
   * Relative tolerance: a run has converged when Σ_j ‖c_j(new) − c_j(old)‖² ≤ tol × (the mean
   * of the per-feature variances of the data), or when no label changed. Default 1e-4.
   */
  tol?: number;
  /**
   * Initial centres (k × d, row-major) instead of k-means++; nInit is then 1. Used to refine on
   * the full data a solution fitted on a sample.
   */
  init?: Float64Array;
  /**
   * Threads, this one included: 1 for single-threaded, a number for exactly that many, 'auto'
   * (default) for every core when the data is large enough ({@link PARALLEL_MIN_WORK}). The result
   * does not depend on it.
   */
  threads?: number | 'auto';
  /** A pool of workers to reuse (its size wins over `threads`, except that threads: 1 runs here). */
  pool?: WorkerPool;
  progress?: Progress;
}

/** What {@link kmeans} returns (the best initialisation). */
export interface KMeansResult {
  k: number;
  d: number;
  /** k × d, row-major. */
  centroids: Float64Array;
  /** The cluster of each row, 0 … k−1. */
  labels: Int32Array;
  /** Rows per cluster. */
  sizes: Int32Array;
  /** Σ over rows of the squared distance to the row's centroid. */
  inertia: number;
  /** Lloyd iterations (assignment + update steps) of the kept initialisation. */
  iterations: number;
  /** False when maxIter ran out first. */
  converged: boolean;
  /** Empty clusters re-seeded at the farthest point, over the kept initialisation. */
  reseeded: number;
  /** Which initialisation was kept (0-based). */
  bestInit: number;
  /** Inertia of every initialisation, in order. */
  initInertias: number[];
  /** Threads used. */
  threads: number;
}

interface SingleRun {
  inertia: number;
  iterations: number;
  converged: boolean;
  reseeded: number;
}

function validate(m: Matrix, o: KMeansOptions): void {
  const { n, d } = m;
  if (!Number.isInteger(o.k) || o.k < 1)
    throw userError('kmeans-bad-k', `k must be a positive integer, got ${o.k}`);
  if (o.k > n)
    throw userError('kmeans-too-few-rows', `k = ${o.k} clusters need at least ${o.k} rows, got ${n}`);
  if (m.values.length !== n * d)
    throw new RangeError(`matrix has ${m.values.length} values, expected ${n} × ${d}`);
  if (o.init && o.init.length !== o.k * d)
    throw new RangeError(`init has ${o.init.length} values, expected k × d = ${o.k * d}`);
  const nInit = o.nInit ?? 1;
  if (!Number.isInteger(nInit) || nInit < 1)
    throw userError('kmeans-bad-n-init', `nInit must be ≥ 1, got ${nInit}`);
}

/** Threads to use for this fit, before checking that workers can start. */
function chooseThreads(m: Matrix, o: KMeansOptions): number {
  if (o.threads === 1) return 1;
  if (o.pool) return o.pool.threads;
  if (typeof o.threads === 'number') {
    if (!Number.isInteger(o.threads) || o.threads < 1)
      throw new RangeError(`threads must be ≥ 1, got ${o.threads}`);
    return o.threads;
  }
  return m.n * o.k * m.d >= PARALLEL_MIN_WORK ? defaultThreads() : 1;
}

/** Allocates the kernel context (shared memory when threads will read it). */
function makeContext(m: Matrix, k: number, shared: boolean): KernelContext {
  const { n, d } = m;
  const chunks = chunkCount(n);
  const maxTrials = 2 + Math.floor(Math.log(k));
  const sumStride = Math.max(k, 2) * d;
  let x = m.values;
  if (shared && !isShared(x)) {
    x = allocFloat64(n * d, true);
    x.set(m.values);
  }
  const labels = allocInt32(n, shared);
  labels.fill(-1);
  return {
    x,
    n,
    d,
    k,
    centres: allocFloat64(k * d, shared),
    labels,
    upper: allocFloat64(n, shared),
    lower: allocFloat64(n, shared),
    halfSep: allocFloat64(k, shared),
    shift: allocFloat64(k, shared),
    chunkSums: allocFloat64(chunks * sumStride, shared),
    sumStride,
    chunkCounts: allocFloat64(chunks * k, shared),
    chunkScalars: allocFloat64(chunks * SCALARS, shared),
    closest: allocFloat64(n, shared),
    cands: allocFloat64(maxTrials * d, shared),
    candRowDist: allocFloat64(k > 1 ? n * maxTrials : 0, shared),
    chunkPot: allocFloat64(chunks * maxTrials, shared),
    maxTrials,
  };
}

/** Σ over chunks (in chunk order) of scalar slot `slot`. */
function sumScalars(ctx: KernelContext, slot: number): number {
  let s = 0;
  const chunks = chunkCount(ctx.n);
  for (let c = 0; c < chunks; c++) s += ctx.chunkScalars[c * SCALARS + slot]!;
  return s;
}

/** Reports the first missing or infinite value (found because the feature sums were not finite). */
function throwNonFinite(ctx: KernelContext): never {
  const { x, d } = ctx;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      const row = Math.floor(i / d);
      throw userError('kmeans-non-finite', `row ${row}, feature ${i % d} is ${x[i]}`, {
        at: { row },
        hint: 'prepare the features first (prepareFeatures imputes missing values and can log-transform)',
      });
    }
  }
  throw userError('kmeans-overflow', 'feature values are too large to square', {
    hint: 'standardise or log-transform the features first',
  });
}

/**
 * The mean over features of the (population) variance: scikit-learn's scale for `tol`. Also the
 * check that every value is finite (a NaN or ±Infinity makes a feature's sum non-finite).
 */
async function meanVariance(ctx: KernelContext, exec: Executor): Promise<number> {
  await exec.run(OP_MOMENTS);
  const { n, d, sumStride } = ctx;
  const s1 = new Float64Array(d);
  const s2 = new Float64Array(d);
  for (let c = 0; c < chunkCount(n); c++) {
    for (let q = 0; q < d; q++) {
      s1[q]! += ctx.chunkSums[c * sumStride + q]!;
      s2[q]! += ctx.chunkSums[c * sumStride + d + q]!;
    }
  }
  if (!s1.every(Number.isFinite) || !s2.every(Number.isFinite)) throwNonFinite(ctx);
  let total = 0;
  for (let q = 0; q < d; q++) {
    const mean = s1[q]! / n;
    total += Math.max(0, s2[q]! / n - mean * mean);
  }
  return total / d;
}

/** Copies row `i` of the data into `dest` at offset `at`. */
function copyRow(ctx: KernelContext, i: number, dest: Float64Array, at: number): void {
  dest.set(ctx.x.subarray(i * ctx.d, i * ctx.d + ctx.d), at);
}

/**
 * The row where the running sum of `closest` (chunk by chunk, in order) first exceeds `target`:
 * a draw with probability proportional to closest[i] (D² sampling).
 */
function locate(ctx: KernelContext, target: number): number {
  const chunks = chunkCount(ctx.n);
  let acc = 0;
  let c = 0;
  for (; c < chunks; c++) {
    const s = ctx.chunkScalars[c * SCALARS + 1]!;
    if (acc + s > target) break;
    acc += s;
  }
  if (c === chunks) {
    // Unreachable while target < the potential; kept as a guard: the last row with any weight.
    for (let i = ctx.n - 1; i > 0; i--) if (ctx.closest[i]! > 0) return i;
    return 0;
  }
  // Sum the chunk's rows from 0, in the kernel's order, so that at the chunk's end the sum equals
  // the chunk total exactly and the loop always returns a row of positive weight.
  const end = Math.min(ctx.n, (c + 1) * CHUNK_ROWS);
  let local = 0;
  for (let i = c * CHUNK_ROWS; i < end; i++) {
    local += ctx.closest[i]!;
    if (acc + local > target) return i;
  }
  return end - 1;
}

/**
 * k-means++ seeding (D. Arthur & S. Vassilvitskii, "k-means++: the advantages of careful seeding",
 * SODA 2007), in its greedy form (their §6 remark, as in scikit-learn): the first centre is a
 * uniformly drawn row; each next one is the best of 2 + ⌊ln k⌋ candidates drawn with probability
 * ∝ D(x)² (the squared distance to the closest centre so far), "best" meaning the candidate that
 * leaves the smallest potential Σ_x D(x)².
 */
async function seedPlusPlus(ctx: KernelContext, exec: Executor, rng: Rng): Promise<void> {
  const { n, d, k, maxTrials } = ctx;
  const chunks = chunkCount(n);
  const first = rng.int(n);
  copyRow(ctx, first, ctx.cands, 0);
  copyRow(ctx, first, ctx.centres, 0);
  await exec.run(OP_SEED_FIRST);
  let potential = sumScalars(ctx, 1);
  const pots = new Float64Array(maxTrials);
  for (let c = 1; c < k; c++) {
    for (let t = 0; t < maxTrials; t++) {
      // All remaining rows sit on a centre (fewer distinct rows than k): draw uniformly.
      const i = potential > 0 ? locate(ctx, rng.uniform() * potential) : rng.int(n);
      copyRow(ctx, i, ctx.cands, t * d);
    }
    await exec.run(OP_SEED_EVAL, [maxTrials]);
    pots.fill(0);
    for (let ch = 0; ch < chunks; ch++)
      for (let t = 0; t < maxTrials; t++) pots[t]! += ctx.chunkPot[ch * maxTrials + t]!;
    let best = 0;
    for (let t = 1; t < maxTrials; t++) if (pots[t]! < pots[best]!) best = t;
    ctx.centres.set(ctx.cands.subarray(best * d, best * d + d), c * d);
    await exec.run(OP_SEED_COMMIT, [best]);
    potential = sumScalars(ctx, 1);
  }
}

/** s(j) = ½ min_{j'≠j} ‖c_j − c_j'‖ (Infinity when k = 1). */
function updateHalfSeparation(ctx: KernelContext): void {
  const { k, d, centres, halfSep } = ctx;
  halfSep.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let q = 0; q < d; q++) {
        const t = centres[a * d + q]! - centres[b * d + q]!;
        s += t * t;
      }
      const h = Math.sqrt(s) / 2;
      if (h < halfSep[a]!) halfSep[a] = h;
      if (h < halfSep[b]!) halfSep[b] = h;
    }
  }
}

/** Adds the per-chunk sums and counts up, in chunk order. */
function reduceSums(ctx: KernelContext, sums: Float64Array, counts: Float64Array): void {
  const { n, k, d, sumStride } = ctx;
  sums.fill(0);
  counts.fill(0);
  for (let c = 0; c < chunkCount(n); c++) {
    for (let q = 0; q < k * d; q++) sums[q]! += ctx.chunkSums[c * sumStride + q]!;
    for (let j = 0; j < k; j++) counts[j]! += ctx.chunkCounts[c * k + j]!;
  }
}

/**
 * Empty clusters: each takes the row farthest from its current centre among clusters that keep at
 * least two rows (as scikit-learn does), which then forms the cluster alone. Its Hamerly bounds are
 * reset so that the next assignment recomputes it. Runs on this thread only (it is rare), so
 * threading cannot change the result. Updates the per-chunk sums and counts; returns the number of
 * clusters re-seeded.
 */
function reseedEmpty(ctx: KernelContext, counts: Float64Array): number {
  const { n, d, k, x, centres, labels, chunkSums, chunkCounts, sumStride } = ctx;
  let reseeded = 0;
  const taken = new Set<number>();
  for (let j = 0; j < k; j++) {
    if (counts[j]! > 0) continue;
    let far = -1;
    let farD = -1;
    for (let i = 0; i < n; i++) {
      const a = labels[i]!;
      if (counts[a]! <= 1 || taken.has(i)) continue;
      let s = 0;
      for (let q = 0; q < d; q++) {
        const t = x[i * d + q]! - centres[a * d + q]!;
        s += t * t;
      }
      if (s > farD) {
        farD = s;
        far = i;
      }
    }
    if (far < 0) break; // every cluster has a single row: nothing can move
    const from = labels[far]!;
    const c = Math.floor(far / CHUNK_ROWS);
    taken.add(far);
    counts[from]! -= 1;
    counts[j] = 1;
    chunkCounts[c * k + from]! -= 1;
    chunkCounts[c * k + j]! += 1;
    for (let q = 0; q < d; q++) {
      const v = x[far * d + q]!;
      chunkSums[c * sumStride + from * d + q]! -= v;
      chunkSums[c * sumStride + j * d + q]! += v;
    }
    labels[far] = j;
    ctx.upper[far] = Infinity;
    ctx.lower[far] = 0;
    reseeded++;
  }
  return reseeded;
}

/**
 * One k-means run from the centres already in ctx.centres: Lloyd iterations accelerated with
 * Hamerly's bounds (exactly Lloyd's result, fewer distance computations).
 */
async function lloyd(
  ctx: KernelContext,
  exec: Executor,
  maxIter: number,
  tolScaled: number,
): Promise<SingleRun> {
  const { k, d, centres, shift } = ctx;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const next = new Float64Array(k * d);
  let converged = false;
  let iterations = 0;
  let reseeded = 0;
  let moveArgs: number[] = [];
  ctx.labels.fill(-1);
  for (let it = 0; it < maxIter; it++) {
    // Assignment step: labels from the current centres, and the sums for the update.
    if (it === 0) await exec.run(OP_ASSIGN_FULL);
    else await exec.run(OP_ASSIGN_HAMERLY, moveArgs);
    iterations = it + 1;
    if (it > 0 && sumScalars(ctx, 0) === 0) {
      // No label changed: the update would reproduce the same centres exactly.
      converged = true;
      break;
    }
    // Update step: centres = means of their rows.
    reduceSums(ctx, sums, counts);
    if (counts.includes(0)) {
      const moved = reseedEmpty(ctx, counts);
      if (moved > 0) {
        reseeded += moved;
        reduceSums(ctx, sums, counts);
      }
    }
    let total = 0;
    let r = -1;
    let pMax = 0;
    let pSecond = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      const cnt = counts[j]!;
      for (let q = 0; q < d; q++) {
        const v = cnt > 0 ? sums[j * d + q]! / cnt : centres[j * d + q]!;
        next[j * d + q] = v;
        const t = v - centres[j * d + q]!;
        s += t * t;
      }
      total += s;
      const p = Math.sqrt(s);
      shift[j] = p;
      if (p > pMax) {
        pSecond = pMax;
        pMax = p;
        r = j;
      } else if (p > pSecond) {
        pSecond = p;
      }
    }
    centres.set(next);
    updateHalfSeparation(ctx);
    moveArgs = [r, pMax, pSecond];
    if (total <= tolScaled) {
      // Converged on the centre shift: one more assignment so labels match the final centres.
      converged = true;
      await exec.run(OP_ASSIGN_HAMERLY, moveArgs);
      break;
    }
    if (it === maxIter - 1) await exec.run(OP_ASSIGN_HAMERLY, moveArgs);
  }
  await exec.run(OP_INERTIA);
  return { inertia: sumScalars(ctx, 1), iterations, converged, reseeded };
}

/**
 * k-means clustering of the rows of `m`: k-means++ seeding, then Lloyd's algorithm accelerated with
 * Hamerly's bounds, `nInit` times, keeping the lowest inertia. Large inputs are split by row
 * ranges over worker threads; the result is the same, bit for bit, with any number of threads.
 *
 * @example
 * const { labels, centroids, inertia } = await kmeans(prepared.matrix, { k: 6, seed: 42 });
 */
export async function kmeans(m: Matrix, options: KMeansOptions): Promise<KMeansResult> {
  validate(m, options);
  const { k } = options;
  const { n, d } = m;
  const seed = options.seed ?? 0;
  const nInit = options.init ? 1 : (options.nInit ?? 1);
  const maxIter = options.maxIter ?? 300;
  const tol = options.tol ?? 1e-4;
  let threads = chooseThreads(m, options);
  if (threads > 1 && !options.pool && !workerEntryAvailable()) {
    options.progress?.('k-means: worker entry missing, running single-threaded');
    threads = 1;
  }
  let ownPool: WorkerPool | null = null;
  let exec: Executor;
  if (threads === 1) exec = new LocalExecutor();
  else if (options.pool) exec = options.pool;
  else exec = ownPool = await WorkerPool.open(threads);
  try {
    const ctx = makeContext(m, k, exec.threads > 1);
    await exec.load(ctx);
    const tolScaled = tol * (await meanVariance(ctx, exec));
    let best: (SingleRun & { labels: Int32Array; centroids: Float64Array; init: number }) | null = null;
    const inertias: number[] = [];
    for (let t = 0; t < nInit; t++) {
      if (options.init) ctx.centres.set(options.init);
      else await seedPlusPlus(ctx, exec, new Rng(seed, t));
      updateHalfSeparation(ctx);
      const run = await lloyd(ctx, exec, maxIter, tolScaled);
      inertias.push(run.inertia);
      options.progress?.(
        `k-means k=${k} init ${t + 1}/${nInit}: inertia ${run.inertia.toPrecision(6)}, ${run.iterations} iterations`,
      );
      if (!best || run.inertia < best.inertia) {
        best = {
          ...run,
          labels: Int32Array.from(ctx.labels),
          centroids: Float64Array.from(ctx.centres),
          init: t,
        };
      }
    }
    if (!best) throw new Error('unreachable: nInit ≥ 1');
    const sizes = new Int32Array(k);
    for (let i = 0; i < n; i++) sizes[best.labels[i]!]!++;
    return {
      k,
      d,
      centroids: best.centroids,
      labels: best.labels,
      sizes,
      inertia: best.inertia,
      iterations: best.iterations,
      converged: best.converged,
      reseeded: best.reseeded,
      bestInit: best.init,
      initInertias: inertias,
      threads: exec.threads,
    };
  } finally {
    if (ownPool) await ownPool.close();
  }
}
