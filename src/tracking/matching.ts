/**
 * Nearest-neighbour matching of treated customers to control customers on pre-period features
 * (`segtrack compare --control matched`). Pure: feature columns in, matches out; randomness only
 * from the injected seeded {@link Rng}.
 */
import type { Rng } from '../core/rng.js';
import { KdTree } from './kd-tree.js';

/** What {@link nearestNeighbourMatch} returns. */
export interface MatchResult {
  /** For each treated customer, the index of its matched control in the pool. */
  match: Int32Array;
  /** For each pool customer, how many treated customers it was matched to (0 for most). */
  weights: Float64Array;
  /** For each treated customer, the Euclidean distance to its match in standardised units. */
  distance: Float64Array;
}

/**
 * One-to-one nearest-neighbour matching with replacement (Rubin 1973, "Matching to remove bias in
 * observational studies", Biometrics 29(1); Abadie & Imbens 2006, Econometrica 74(1); Stuart
 * 2010, "Matching methods for causal inference: a review", Statistical Science 25(1)): each
 * treated customer gets the pool customer nearest to it in Euclidean distance over the features
 * after standardisation (each feature minus its mean over treated and pool together, divided by
 * its standard deviation there; a constant feature is left out, a missing value counts as the
 * mean). A pool customer can serve several treated customers; its weight counts how many.
 *
 * Pool customers with identical features are merged before the search, and a tie among them is
 * broken by a seeded random draw, so that a crowd of identical candidates (say, everyone without
 * an order in the window) shares the matches instead of one of them taking all; the result is
 * reproducible for a seed. The search is exact (a k-d tree, {@link KdTree}).
 *
 * @param treated one Float64Array per feature, one value per treated customer.
 * @param pool the same features for the candidate controls.
 */
export function nearestNeighbourMatch(
  treated: readonly Float64Array[],
  pool: readonly Float64Array[],
  rng: Rng,
): MatchResult {
  const k = treated.length;
  if (pool.length !== k)
    throw new RangeError(`treated and pool need the same features (${k} vs ${pool.length})`);
  const nT = treated[0]?.length ?? 0;
  const nP = pool[0]?.length ?? 0;
  const match = new Int32Array(nT).fill(-1);
  const weights = new Float64Array(nP);
  const distance = new Float64Array(nT).fill(Number.NaN);
  if (nT === 0 || nP === 0) return { match, weights, distance };

  const { center, scale } = standardisation(treated, pool);
  const used = scale.map((s, j) => (s > 0 ? j : -1)).filter((j) => j >= 0);
  const dims = Math.max(1, used.length);
  const z = (cols: readonly Float64Array[], i: number, j: number) => {
    const v = cols[j]![i]!;
    return Number.isFinite(v) ? (v - center[j]!) / scale[j]! : 0;
  };

  // Distinct pool points, each with the pool customers that share it.
  const groups = new Map<string, number[]>();
  const row = new Float64Array(dims);
  for (let i = 0; i < nP; i++) {
    for (let u = 0; u < used.length; u++) row[u] = z(pool, i, used[u]!);
    const key = Array.from(row).join(',');
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  const members = [...groups.values()];
  const points = new Float64Array(members.length * dims);
  members.forEach((m, p) => {
    for (let u = 0; u < used.length; u++) points[p * dims + u] = z(pool, m[0]!, used[u]!);
  });
  const tree = new KdTree(points, dims);
  const q = new Float64Array(dims);
  for (let i = 0; i < nT; i++) {
    for (let u = 0; u < used.length; u++) q[u] = z(treated, i, used[u]!);
    const hit = tree.nearest(q);
    const m = members[hit.index]!;
    const chosen = m.length === 1 ? m[0]! : m[rng.int(m.length)]!;
    match[i] = chosen;
    weights[chosen] = weights[chosen]! + 1;
    distance[i] = Math.sqrt(hit.distance);
  }
  return { match, weights, distance };
}

/** Mean and standard deviation of each feature over treated and pool together (finite values). */
export function standardisation(
  treated: readonly Float64Array[],
  pool: readonly Float64Array[],
): { center: number[]; scale: number[] } {
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < treated.length; j++) {
    let n = 0;
    let s = 0;
    let ss = 0;
    for (const col of [treated[j]!, pool[j]!])
      for (let i = 0; i < col.length; i++) {
        const v = col[i]!;
        if (!Number.isFinite(v)) continue;
        n++;
        s += v;
        ss += v * v;
      }
    const mean = n > 0 ? s / n : 0;
    const variance = n > 1 ? Math.max(0, (ss - n * mean * mean) / (n - 1)) : 0;
    center.push(mean);
    // Relative cut-off: a feature whose spread is rounding noise is constant.
    scale.push(Math.sqrt(variance) > 1e-12 * Math.max(1, Math.abs(mean)) ? Math.sqrt(variance) : 0);
  }
  return { center, scale };
}
