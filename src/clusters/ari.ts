/** C(x, 2) = x(x − 1)/2, the number of pairs among x items. */
function pairs(x: number): number {
  return (x * (x - 1)) / 2;
}

/**
 * The adjusted Rand index between two partitions of the same items (L. Hubert & P. Arabie,
 * "Comparing partitions", Journal of Classification 2, 193–218, 1985, eq. 5). With n_ij the
 * contingency table, a_i and b_j its row and column sums:
 *
 *   index    = Σ_ij C(n_ij, 2)
 *   expected = Σ_i C(a_i, 2) · Σ_j C(b_j, 2) / C(n, 2)
 *   max      = ½ (Σ_i C(a_i, 2) + Σ_j C(b_j, 2))
 *   ARI      = (index − expected) / (max − expected)
 *
 * 1 for identical partitions (up to renaming the labels), about 0 for independent ones, and
 * possibly negative. Labels are any integers. When both partitions are trivial in the same way
 * (one cluster, or every item alone) the formula is 0/0 and the answer is 1.
 *
 * @example
 * adjustedRandIndex([0, 0, 1, 1], [5, 5, 2, 2]); // 1
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`partitions differ in length: ${n} and ${b.length}`);
  const cells = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const key = `${x},${y}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(x, (rows.get(x) ?? 0) + 1);
    cols.set(y, (cols.get(y) ?? 0) + 1);
  }
  let index = 0;
  for (const v of cells.values()) index += pairs(v);
  let sumA = 0;
  for (const v of rows.values()) sumA += pairs(v);
  let sumB = 0;
  for (const v of cols.values()) sumB += pairs(v);
  const total = pairs(n);
  const expected = total > 0 ? (sumA * sumB) / total : 0;
  const max = (sumA + sumB) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
