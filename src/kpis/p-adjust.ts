/**
 * Multiple-comparison adjustment of p-values: when every segment of a scheme is tested on every
 * KPI, some raw p-values fall below 0.05 by chance alone; adjusted p-values keep that in check.
 */

/** The adjustments segtrack offers. */
export type PAdjustMethod = 'benjamini-hochberg' | 'holm';

/**
 * Adjusted p-values, in the order given (NaN entries stay NaN and do not count as tests).
 *
 * - `benjamini-hochberg` controls the false discovery rate (Benjamini & Hochberg, "Controlling the
 *   false discovery rate: a practical and powerful approach to multiple testing", JRSS B 57(1),
 *   289–300, 1995): with p₍₁₎ ≤ … ≤ p₍ₘ₎, p̃₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎/j). Rejecting
 *   p̃ ≤ q is their step-up procedure at FDR q (valid under independence and positive dependence).
 * - `holm` controls the family-wise error rate (Holm, "A simple sequentially rejective multiple
 *   test procedure", Scand. J. Statist. 6(2), 65–70, 1979): p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎).
 *
 * @example adjustPValues([0.01, 0.04, 0.03], 'benjamini-hochberg') // [0.03, 0.04, 0.04]
 */
export function adjustPValues(p: readonly number[], method: PAdjustMethod): number[] {
  const idx = p.map((_, i) => i).filter((i) => !Number.isNaN(p[i]!));
  idx.sort((a, b) => p[a]! - p[b]!);
  const m = idx.length;
  const out = p.map(() => Number.NaN);
  if (method === 'benjamini-hochberg') {
    let running = 1;
    for (let r = m - 1; r >= 0; r--) {
      const i = idx[r]!;
      running = Math.min(running, (m * p[i]!) / (r + 1));
      out[i] = Math.min(1, running);
    }
  } else {
    let running = 0;
    for (let r = 0; r < m; r++) {
      const i = idx[r]!;
      running = Math.max(running, Math.min(1, (m - r) * p[i]!));
      out[i] = running;
    }
  }
  return out;
}
