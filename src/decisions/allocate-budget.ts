/**
 * Budget allocation across segments by greedy marginal analysis. Pure.
 */
import { curveValue, marginalValue, type ResponseCurve } from './response-curve.js';

/** One segment competing for the budget. */
export interface AllocationTarget {
  id: string;
  curve: ResponseCurve;
}

/** What one segment receives. */
export interface SegmentAllocation {
  id: string;
  /** Budget given to the segment (currency). */
  amount: number;
  /** Expected incremental value of that spend: value(amount). */
  expected_value: number;
  /** (expected_value − amount) / amount; null when nothing is spent. */
  roi: number | null;
  /** Value of the first unit of currency spent on the segment. */
  first_marginal_value: number;
  /** Value of the next unit after `amount` (what a little more budget would earn here). */
  marginal_value: number;
}

/** The whole allocation. */
export interface Allocation {
  budget: number;
  /** The increment the greedy allocation hands out. */
  step: number;
  allocated: number;
  /** Budget no segment could use (every curve flat). */
  unallocated: number;
  expected_value: number;
  /** (expected_value − allocated) / allocated; null when nothing is allocated. */
  roi: number | null;
  /** In the order the targets were given. */
  segments: SegmentAllocation[];
}

/** How finely to allocate. */
export interface AllocationOptions {
  /** Number of equal increments the budget is cut into (default 1000). */
  steps?: number;
  /**
   * A fixed increment instead (the last one is what remains). With a fixed step, a larger
   * budget's allocation is the smaller one's plus further steps, so no segment ever gets less.
   */
  step?: number;
}

/**
 * Allocates `budget` across segments to maximise Σ value_s(x_s) subject to Σ x_s = budget, x ≥ 0.
 *
 * Greedy marginal allocation: the budget is cut into increments and each increment goes to the
 * segment where it adds the most value, value_s(x_s + Δ) − value_s(x_s) (ties: the earlier target).
 * Because every response curve is concave, the gain of a segment's next increment never grows,
 * and this greedy choice is optimal for the discrete problem (Fox, "Discrete optimization via
 * marginal analysis", *Management Science* 13(3), 1966, 210–216; Ibaraki & Katoh, *Resource
 * Allocation Problems*, MIT Press 1988, ch. 4). As Δ → 0 it reaches the continuous optimum,
 * where every funded segment has the same marginal value and no unfunded segment's first unit
 * is worth more (the Karush–Kuhn–Tucker conditions). A segment whose curve is flat (vMax 0)
 * gets nothing; budget that no segment can use stays unallocated.
 *
 * @example
 * allocateBudget([{ id: 'A', curve: { vMax: 5000, scale: 2000 } }, { id: 'B', curve: { vMax: 1000, scale: 2000 } }], 3000);
 */
export function allocateBudget(
  targets: readonly AllocationTarget[],
  budget: number,
  options: AllocationOptions = {},
): Allocation {
  if (!Number.isFinite(budget) || budget < 0) throw new RangeError(`budget must be ≥ 0, not ${budget}`);
  const steps = options.steps ?? 1000;
  const step = options.step ?? budget / steps;
  if (!(step > 0) && budget > 0) throw new RangeError(`the allocation step must be > 0, not ${step}`);
  const amounts = targets.map(() => 0);
  let left = budget;
  // A tolerance so that float division of the budget does not leave a sliver of a step behind.
  const eps = budget * 1e-12;
  while (left > eps) {
    const delta = Math.min(step, left);
    let best = -1;
    let bestGain = 0;
    targets.forEach((t, i) => {
      const gain = curveValue(t.curve, amounts[i]! + delta) - curveValue(t.curve, amounts[i]!);
      if (gain > bestGain) {
        bestGain = gain;
        best = i;
      }
    });
    if (best < 0) break;
    amounts[best]! += delta;
    left -= delta;
  }
  if (left <= eps) left = 0;
  const segments = targets.map((t, i): SegmentAllocation => {
    const amount = amounts[i]!;
    const value = curveValue(t.curve, amount);
    return {
      id: t.id,
      amount,
      expected_value: value,
      roi: amount > 0 ? (value - amount) / amount : null,
      first_marginal_value: marginalValue(t.curve, 0),
      marginal_value: marginalValue(t.curve, amount),
    };
  });
  const allocated = budget - left;
  const value = segments.reduce((s, x) => s + x.expected_value, 0);
  return {
    budget,
    step,
    allocated,
    unallocated: left,
    expected_value: value,
    roi: allocated > 0 ? (value - allocated) / allocated : null,
    segments,
  };
}
