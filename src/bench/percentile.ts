/**
 * The p-th percentile of values sorted ascending, by the **nearest-rank** definition: the smallest
 * value such that at least p % of the values are at or below it, i.e. the value of rank
 * ⌈p / 100 · n⌉ (1-based), and the smallest value for p = 0. A latency percentile is then always a
 * latency that was actually measured, never an interpolation between two requests, which is what
 * "95 % of the answers took at most this long" means.
 *
 * The caller sorts once (`Float64Array.prototype.sort` orders numbers) and asks for several
 * percentiles. Throws for an empty list or a p outside 0–100.
 *
 * @example nearestRankPercentile([15, 20, 35, 40, 50], 40) // 20 (rank ⌈0.4 · 5⌉ = 2)
 */
export function nearestRankPercentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('the percentile of no values is undefined');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`a percentile must be within 0–100, not ${p}`);
  // p · n / 100 in this order keeps whole products exact (95 · 100 / 100 = 95, not 95.000…01); the
  // small tolerance absorbs the rounding of fractional p such as 99.9.
  const rank = Math.max(1, Math.ceil((p * n) / 100 - 1e-9));
  return sorted[Math.min(rank, n) - 1]!;
}
