/**
 * Below this largest normalised gap the inertia curve is too close to a straight line to have an
 * elbow worth reporting.
 */
export const ELBOW_MIN_GAP = 0.05;

/**
 * The elbow (knee) of a decreasing curve such as inertia against k, in the spirit of Kneedle
 * (V. Satopää, J. Albrecht, D. Irwin & B. Raghavan, "Finding a 'kneedle' in a haystack: detecting
 * knee points in system behavior", ICDCS Workshops 2011): both axes are scaled to [0, 1], and the
 * elbow is the point farthest below the straight line joining the first and last points (the
 * maximum of Kneedle's difference curve, without its online threshold). Returns the index of that
 * point, or null when there are fewer than 3 points, the curve is flat, or the largest gap is below
 * {@link ELBOW_MIN_GAP}.
 *
 * @example
 * elbowIndex([2, 3, 4, 5, 6], [100, 40, 12, 10, 9]); // 2 (k = 4)
 */
export function elbowIndex(xs: readonly number[], ys: readonly number[]): number | null {
  const m = xs.length;
  if (m !== ys.length) throw new RangeError('xs and ys differ in length');
  if (m < 3) return null;
  const x0 = xs[0]!;
  const x1 = xs[m - 1]!;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const y of ys) {
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  if (!(yMax > yMin) || x1 === x0) return null;
  const nx = (x: number): number => (x - x0) / (x1 - x0);
  const ny = (y: number): number => (y - yMin) / (yMax - yMin);
  const yFirst = ny(ys[0]!);
  const yLast = ny(ys[m - 1]!);
  let best: number | null = null;
  let bestGap = ELBOW_MIN_GAP;
  for (let i = 1; i < m - 1; i++) {
    const u = nx(xs[i]!);
    const chord = yFirst + (yLast - yFirst) * u;
    const gap = chord - ny(ys[i]!);
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  return best;
}
