import { dist2For } from './kmeans-kernels.mjs';
import type { Matrix } from './matrix.js';

/** One clustering of the rows of a matrix, to score. */
export interface Labelling {
  labels: ArrayLike<number>;
  /** Labels are 0 … k−1. */
  k: number;
}

/**
 * Mean silhouette width (P. J. Rousseeuw, "Silhouettes: a graphical aid to the interpretation and
 * validation of cluster analysis", J. Comput. Appl. Math. 20, 53–65, 1987) of several labellings
 * of the same rows, computing each pairwise Euclidean distance once for all of them:
 *
 *   a(i) = mean distance from i to the other members of its cluster
 *   b(i) = min over the other non-empty clusters C of the mean distance from i to C
 *   s(i) = (b(i) − a(i)) / max(a(i), b(i)),  and s(i) = 0 when i is alone in its cluster
 *
 * The score is the mean of s(i) over all rows, in [−1, 1], higher meaning tighter, better separated
 * clusters; NaN for a labelling with fewer than two non-empty clusters (undefined there).
 * O(n² · (d + labellings)): meant for a sample of a few thousand rows.
 *
 * @example
 * const [s3, s4] = silhouetteScores(sample, [{ labels: l3, k: 3 }, { labels: l4, k: 4 }]);
 */
export function silhouetteScores(m: Matrix, labellings: readonly Labelling[]): number[] {
  const { n, d, values: x } = m;
  const dist2 = dist2For(Math.max(1, d));
  const t = labellings.length;
  const offsets: number[] = [];
  let width = 0;
  for (const l of labellings) {
    if (l.labels.length !== n) throw new RangeError(`labels have ${l.labels.length} entries, expected ${n}`);
    offsets.push(width);
    width += l.k;
  }
  // Cluster sizes per labelling.
  const sizes = new Float64Array(width);
  labellings.forEach((l, s) => {
    for (let i = 0; i < n; i++) sizes[offsets[s]! + l.labels[i]!]!++;
  });
  const nonEmpty = labellings.map((l, s) => {
    let c = 0;
    for (let j = 0; j < l.k; j++) if (sizes[offsets[s]! + j]! > 0) c++;
    return c;
  });
  const labelsFlat = new Int32Array(n * t);
  labellings.forEach((l, s) => {
    for (let i = 0; i < n; i++) labelsFlat[i * t + s] = offsets[s]! + l.labels[i]!;
  });
  const totals = new Float64Array(t);
  const row = new Float64Array(n);
  const acc = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) row[j] = Math.sqrt(dist2(x, i * d, x, j * d));
    acc.fill(0);
    for (let j = 0; j < n; j++) {
      const r = row[j]!;
      const base = j * t;
      for (let s = 0; s < t; s++) acc[labelsFlat[base + s]!]! += r;
    }
    for (let s = 0; s < t; s++) {
      const own = labelsFlat[i * t + s]!;
      const ownSize = sizes[own]!;
      if (ownSize <= 1) continue; // s(i) = 0
      const a = acc[own]! / (ownSize - 1);
      let b = Infinity;
      const lo = offsets[s]!;
      for (let c = lo; c < lo + labellings[s]!.k; c++) {
        if (c === own || sizes[c] === 0) continue;
        const mean = acc[c]! / sizes[c]!;
        if (mean < b) b = mean;
      }
      const top = Math.max(a, b);
      if (top > 0 && Number.isFinite(b)) totals[s]! += (b - a) / top;
    }
  }
  return labellings.map((_, s) => (nonEmpty[s]! < 2 || n === 0 ? Number.NaN : totals[s]! / n));
}

/** The mean silhouette width of one labelling (see {@link silhouetteScores}). */
export function silhouetteScore(m: Matrix, labels: ArrayLike<number>, k: number): number {
  return silhouetteScores(m, [{ labels, k }])[0]!;
}
