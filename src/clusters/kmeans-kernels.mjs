// @ts-check
/**
 * The row-range kernels of the k-means engine, in plain JavaScript so that the very same code runs
 * on the main thread (under tsx, vitest or the compiled package) and inside worker threads, which
 * do not inherit tsx's loader (see CONTEXT.md). Types: kmeans-kernels.d.mts.
 *
 * Every kernel works on whole chunks of CHUNK_ROWS rows and writes its partial results (sums,
 * counts, potentials, label changes) into per-chunk slots. The main thread adds the slots up in
 * chunk order, so the floating-point result does not depend on how many threads ran the chunks:
 * one thread or four give bit-identical centroids, labels and inertia.
 *
 * Data layout: `x` is n × d, row-major (row i is x[i*d .. i*d+d-1]); centres are k × d, row-major.
 */

/** Rows per chunk: the unit of work and of deterministic summation. */
export const CHUNK_ROWS = 8192;

/** Per-chunk scalar slots: [0] label changes, [1] a sum (inertia, or the k-means++ potential). */
export const SCALARS = 2;

/** Kernel operation codes (the worker protocol and `runKernel`). */
export const OP_MOMENTS = 0;
export const OP_SEED_FIRST = 1;
export const OP_SEED_EVAL = 2;
export const OP_SEED_COMMIT = 3;
export const OP_ASSIGN_FULL = 4;
export const OP_ASSIGN_HAMERLY = 5;
export const OP_INERTIA = 6;

/**
 * @typedef {(x: Float64Array, xo: number, c: Float64Array, co: number) => number} Dist2
 * Squared Euclidean distance between the d values of `x` at offset `xo` and of `c` at offset `co`.
 */

/** @type {Map<number, Dist2>} */
const dist2Cache = new Map();

/**
 * The squared-distance function for dimension d, with its loop over the d features unrolled:
 * V8 does not unroll short loops of variable length, and on d ≈ 4–10 the unrolled form runs the
 * assignment about twice as fast. The generated source contains only the integer d (no data), and
 * adds the terms in the same order as the plain loop (t0² + t1² + … left to right).
 * @param {number} d
 * @returns {Dist2}
 */
export function dist2For(d) {
  let f = dist2Cache.get(d);
  if (f) return f;
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`bad dimension ${d}`);
  if (d > 64) {
    f = (x, xo, c, co) => {
      let s = 0;
      for (let q = 0; q < d; q++) {
        const t = x[xo + q] - c[co + q];
        s += t * t;
      }
      return s;
    };
  } else {
    const lines = [];
    for (let q = 0; q < d; q++) lines.push(`const t${q} = x[xo + ${q}] - c[co + ${q}];`);
    const sum = Array.from({ length: d }, (_, q) => `t${q} * t${q}`).join(' + ');
    f = /** @type {Dist2} */ (new Function('x', 'xo', 'c', 'co', `${lines.join('\n')}\nreturn ${sum};`));
  }
  dist2Cache.set(d, f);
  return f;
}

/**
 * @typedef {(s: Float64Array, so: number, x: Float64Array, xo: number) => void} AddRow
 * Adds (or subtracts) the d values of `x` at offset `xo` to those of `s` at offset `so`.
 */

/** @type {Map<string, AddRow>} */
const addRowCache = new Map();

/**
 * The row-accumulation function for dimension d (`op` '+=' or '-='), unrolled like
 * {@link dist2For}.
 * @param {number} d @param {'+=' | '-='} op
 * @returns {AddRow}
 */
export function addRowFor(d, op = '+=') {
  const key = `${d}${op}`;
  let f = addRowCache.get(key);
  if (f) return f;
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`bad dimension ${d}`);
  if (d > 64) {
    f =
      op === '+='
        ? (s, so, x, xo) => {
            for (let q = 0; q < d; q++) s[so + q] += x[xo + q];
          }
        : (s, so, x, xo) => {
            for (let q = 0; q < d; q++) s[so + q] -= x[xo + q];
          };
  } else {
    const lines = [];
    for (let q = 0; q < d; q++) lines.push(`s[so + ${q}] ${op === '+=' ? '+=' : '-='} x[xo + ${q}];`);
    f = /** @type {AddRow} */ (new Function('s', 'so', 'x', 'xo', lines.join('\n')));
  }
  addRowCache.set(key, f);
  return f;
}

/** @param {number} n */
export function chunkCount(n) {
  return Math.ceil(n / CHUNK_ROWS);
}

/*
 * Each kernel below is a function over ONE chunk, called once per chunk by runKernel. Small
 * functions called many times get optimised by V8 after a few chunks; one long loop over all rows
 * would run for a long time in the slower on-stack-replacement tiers, in every worker anew.
 *
 * @typedef {import('./kmeans-kernels.d.mts').KernelContext} Ctx
 */

/**
 * Per feature: Σx in chunkSums[c·stride + q] and Σx² in chunkSums[c·stride + d + q] (the stride
 * is max(k, 2)·d ≥ 2d), used only to scale the convergence tolerance.
 * @param {Ctx} ctx @param {number} c
 */
function momentsChunk(ctx, c) {
  const { x, n, d, chunkSums, sumStride } = ctx;
  const o = c * sumStride;
  const sum = new Float64Array(d);
  const sq = new Float64Array(d);
  const end = Math.min(n, (c + 1) * CHUNK_ROWS);
  for (let i = c * CHUNK_ROWS; i < end; i++) {
    const b = i * d;
    for (let q = 0; q < d; q++) {
      const v = x[b + q];
      sum[q] += v;
      sq[q] += v * v;
    }
  }
  for (let q = 0; q < d; q++) {
    chunkSums[o + q] = sum[q];
    chunkSums[o + d + q] = sq[q];
  }
}

/**
 * k-means++, first centre (cands row 0): closest[i] = d²(x_i, c_0), and the chunk's potential
 * Σ closest in scalar slot 1.
 * @param {Ctx} ctx @param {number} c
 */
function seedFirstChunk(ctx, c) {
  const { x, n, d, closest, cands, chunkScalars } = ctx;
  const dist2 = dist2For(d);
  const end = Math.min(n, (c + 1) * CHUNK_ROWS);
  let sum = 0;
  for (let i = c * CHUNK_ROWS; i < end; i++) {
    const s = dist2(x, i * d, cands, 0);
    closest[i] = s;
    sum += s;
  }
  chunkScalars[c * SCALARS + 1] = sum;
}

/**
 * k-means++ greedy step: for each of the `trials` candidates, the potential the chunk would have
 * if it were added (Σ min(closest, d²(x, candidate))), in chunkPot[c·maxTrials + t]. The
 * distances are kept for seedCommitChunk. (Pruning them with the triangle inequality, as Elkan
 * does for Lloyd, was tried: on overlapping clusters it skipped too few to pay for its branches.)
 * @param {Ctx} ctx @param {number} c @param {number} trials @param {Float64Array} acc scratch
 */
function seedEvaluateChunk(ctx, c, trials, acc) {
  const { x, n, d, closest, cands, candRowDist, chunkPot, maxTrials } = ctx;
  const dist2 = dist2For(d);
  acc.fill(0);
  const end = Math.min(n, (c + 1) * CHUNK_ROWS);
  for (let i = c * CHUNK_ROWS; i < end; i++) {
    const prev = closest[i];
    const b = i * d;
    const o = i * maxTrials;
    for (let t = 0; t < trials; t++) {
      const s = dist2(x, b, cands, t * d);
      candRowDist[o + t] = s; // for seedCommitChunk
      acc[t] += s < prev ? s : prev;
    }
  }
  for (let t = 0; t < trials; t++) chunkPot[c * maxTrials + t] = acc[t];
}

/**
 * k-means++: candidate `cand` becomes a centre: closest[i] = min(closest[i], d²(x_i, cand)) from
 * the distances seedEvaluateChunk stored; the chunk's new potential goes in scalar slot 1.
 * @param {Ctx} ctx @param {number} c @param {number} cand
 */
function seedCommitChunk(ctx, c, cand) {
  const { n, closest, candRowDist, chunkScalars, maxTrials } = ctx;
  const end = Math.min(n, (c + 1) * CHUNK_ROWS);
  let sum = 0;
  for (let i = c * CHUNK_ROWS; i < end; i++) {
    let v = closest[i];
    const s = candRowDist[i * maxTrials + cand];
    if (s < v) {
      v = s;
      closest[i] = s;
    }
    sum += v;
  }
  chunkScalars[c * SCALARS + 1] = sum;
}

/**
 * The closest and second-closest centre of row `b` (offset into `x`), by scanning every centre:
 * writes [closest squared distance, second-closest squared distance, index of the closest] into
 * `out` (ties keep the lower index).
 * @param {(x: Float64Array, i: number, c: Float64Array, j: number) => number} dist2
 * @param {Float64Array} x @param {number} b @param {Float64Array} centres @param {number} k
 * @param {number} d @param {Float64Array} out
 */
function nearestTwo(dist2, x, b, centres, k, d, out) {
  let best = Infinity;
  let second = Infinity;
  let bj = 0;
  for (let j = 0; j < k; j++) {
    const s = dist2(x, b, centres, j * d);
    if (s < best) {
      second = best;
      best = s;
      bj = j;
    } else if (s < second) {
      second = s;
    }
  }
  out[0] = best;
  out[1] = second;
  out[2] = bj;
}

/**
 * A full Lloyd assignment (every distance computed) that also initialises Hamerly's bounds:
 * upper = distance to the closest centre, lower = distance to the second closest. Rebuilds the
 * chunk's per-cluster sums and counts; label changes in slot 0, inertia in slot 1.
 * @param {Ctx} ctx @param {number} c
 */
function assignFullChunk(ctx, c) {
  const { x, n, d, k, centres, labels, upper, lower, chunkSums, chunkCounts, chunkScalars, sumStride } = ctx;
  const dist2 = dist2For(d);
  const near = new Float64Array(3);
  const addRow = addRowFor(d, '+=');
  const so = c * sumStride;
  const ko = c * k;
  chunkSums.fill(0, so, so + k * d);
  chunkCounts.fill(0, ko, ko + k);
  let changes = 0;
  let inertia = 0;
  const end = Math.min(n, (c + 1) * CHUNK_ROWS);
  for (let i = c * CHUNK_ROWS; i < end; i++) {
    const b = i * d;
    nearestTwo(dist2, x, b, centres, k, d, near);
    const best = near[0];
    const second = near[1];
    const bj = near[2];
    if (labels[i] !== bj) changes++;
    labels[i] = bj;
    upper[i] = Math.sqrt(best);
    lower[i] = Math.sqrt(second);
    inertia += best;
    chunkCounts[ko + bj]++;
    addRow(chunkSums, so + bj * d, x, b);
  }
  chunkScalars[c * SCALARS] = changes;
  chunkScalars[c * SCALARS + 1] = inertia;
}

/**
 * One assignment step of Hamerly's algorithm (G. Hamerly, "Making k-means even faster", SIAM
 * SDM 2010, Algorithm 2 with its Update-Bounds procedure folded in):
 *   u(i) += p(a(i));  l(i) −= (a(i) = r ? p(r') : p(r))   (r, r': the centres that moved most)
 *   m = max(s(a(i)), l(i))                                (s(j): half the distance from c_j to its
 *                                                          nearest other centre)
 *   if u(i) > m: tighten u(i) = ‖x_i − c_a(i)‖; if still u(i) > m: scan every centre and reset
 *   a(i), u(i), l(i) from the closest and second-closest.
 * A row with u(i) ≤ m keeps its centre without any distance computed. As in the paper, the
 * chunk's cluster sums and counts are updated only for rows that change cluster; label changes in
 * slot 0.
 * @param {Ctx} ctx @param {number} c @param {number} r index of the centre that moved most
 * @param {number} pMax its move @param {number} pSecond the second-largest move
 */
function assignHamerlyChunk(ctx, c, r, pMax, pSecond) {
  const { x, n, d, k, centres, labels, upper, lower, halfSep, shift } = ctx;
  const { chunkSums, chunkCounts, chunkScalars, sumStride } = ctx;
  const dist2 = dist2For(d);
  const addRow = addRowFor(d, '+=');
  const subRow = addRowFor(d, '-=');
  const near = new Float64Array(3);
  const so = c * sumStride;
  const ko = c * k;
  let changes = 0;
  const end = Math.min(n, (c + 1) * CHUNK_ROWS);
  for (let i = c * CHUNK_ROWS; i < end; i++) {
    const a = labels[i];
    let u = upper[i] + shift[a];
    let l = lower[i] - (a === r ? pSecond : pMax);
    const h = halfSep[a];
    const m = h > l ? h : l;
    if (u > m) {
      const b = i * d;
      u = Math.sqrt(dist2(x, b, centres, a * d));
      if (u > m) {
        nearestTwo(dist2, x, b, centres, k, d, near);
        const best = near[0];
        const second = near[1];
        const bj = near[2];
        if (bj !== a) {
          changes++;
          labels[i] = bj;
          chunkCounts[ko + a]--;
          chunkCounts[ko + bj]++;
          subRow(chunkSums, so + a * d, x, b);
          addRow(chunkSums, so + bj * d, x, b);
        }
        u = Math.sqrt(best);
        l = Math.sqrt(second);
      }
    }
    upper[i] = u;
    lower[i] = l;
  }
  chunkScalars[c * SCALARS] = changes;
}

/**
 * Exact inertia of the current labels: Σ ‖x_i − c_label(i)‖² (slot 1).
 * @param {Ctx} ctx @param {number} c
 */
function inertiaChunk(ctx, c) {
  const { x, n, d, centres, labels, chunkScalars } = ctx;
  const dist2 = dist2For(d);
  const end = Math.min(n, (c + 1) * CHUNK_ROWS);
  let sum = 0;
  for (let i = c * CHUNK_ROWS; i < end; i++) sum += dist2(x, i * d, centres, labels[i] * d);
  chunkScalars[c * SCALARS + 1] = sum;
}

/**
 * Runs kernel `op` over chunks [c0, c1).
 * @param {Ctx} ctx @param {number} op @param {number} c0 @param {number} c1
 * @param {readonly number[]} args
 */
export function runKernel(ctx, op, c0, c1, args) {
  switch (op) {
    case OP_MOMENTS:
      for (let c = c0; c < c1; c++) momentsChunk(ctx, c);
      return;
    case OP_SEED_FIRST:
      for (let c = c0; c < c1; c++) seedFirstChunk(ctx, c);
      return;
    case OP_SEED_EVAL: {
      const trials = args[0] ?? 1;
      const acc = new Float64Array(trials);
      for (let c = c0; c < c1; c++) seedEvaluateChunk(ctx, c, trials, acc);
      return;
    }
    case OP_SEED_COMMIT:
      for (let c = c0; c < c1; c++) seedCommitChunk(ctx, c, args[0] ?? 0);
      return;
    case OP_ASSIGN_FULL:
      for (let c = c0; c < c1; c++) assignFullChunk(ctx, c);
      return;
    case OP_ASSIGN_HAMERLY:
      for (let c = c0; c < c1; c++) assignHamerlyChunk(ctx, c, args[0] ?? -1, args[1] ?? 0, args[2] ?? 0);
      return;
    case OP_INERTIA:
      for (let c = c0; c < c1; c++) inertiaChunk(ctx, c);
      return;
    default:
      throw new Error(`unknown k-means kernel ${op}`);
  }
}
