/**
 * Greedy marginal budget allocation (src/decisions/allocate-budget.ts): it spends the budget,
 * never gives less to a segment when the budget grows (fixed step), and equals the brute-force
 * optimum of the discrete problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateBudget, type AllocationTarget } from '../../src/decisions/allocate-budget.js';
import { curveValue, type ResponseCurve } from '../../src/decisions/response-curve.js';

const targets = (curves: ResponseCurve[]): AllocationTarget[] =>
  curves.map((curve, i) => ({ id: `S${i}`, curve }));

/** Every way to split `steps` whole steps over `k` segments. */
function* compositions(steps: number, k: number): Generator<number[]> {
  if (k === 1) {
    yield [steps];
    return;
  }
  for (let first = 0; first <= steps; first++)
    for (const rest of compositions(steps - first, k - 1)) yield [first, ...rest];
}

describe('allocateBudget', () => {
  const three = targets([
    { vMax: 5000, scale: 2000 },
    { vMax: 1500, scale: 400 },
    { vMax: 9000, scale: 12_000 },
  ]);

  it('spends exactly the budget, nothing negative', () => {
    const a = allocateBudget(three, 10_000);
    const sum = a.segments.reduce((s, x) => s + x.amount, 0);
    expect(sum).toBeCloseTo(10_000, 6);
    expect(a.allocated).toBeCloseTo(10_000, 6);
    expect(a.unallocated).toBe(0);
    for (const s of a.segments) expect(s.amount).toBeGreaterThanOrEqual(0);
    expect(a.expected_value).toBeCloseTo(
      a.segments.reduce((s, x) => s + x.expected_value, 0),
      9,
    );
  });

  it('equals the brute-force optimum of the discrete problem (10 steps over 3 segments)', () => {
    const budget = 6000;
    const steps = 10;
    const step = budget / steps;
    let best = -Infinity;
    for (const split of compositions(steps, three.length)) {
      const v = split.reduce((s, n, i) => s + curveValue(three[i]!.curve, n * step), 0);
      best = Math.max(best, v);
    }
    const a = allocateBudget(three, budget, { steps });
    expect(a.expected_value, `greedy ${a.expected_value} vs brute force ${best}`).toBeCloseTo(best, 9);
  });

  it('matches brute force on random concave curves', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            vMax: fc.double({ min: 0, max: 1e5, noNaN: true }),
            scale: fc.double({ min: 1, max: 1e4, noNaN: true }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 1, max: 2e4, noNaN: true }),
        (curves, steps, budget) => {
          const ts = targets(curves);
          const step = budget / steps;
          let best = 0;
          for (const split of compositions(steps, ts.length))
            best = Math.max(
              best,
              split.reduce((s, n, i) => s + curveValue(ts[i]!.curve, n * step), 0),
            );
          const a = allocateBudget(ts, budget, { steps });
          expect(a.expected_value).toBeGreaterThanOrEqual(best * (1 - 1e-9) - 1e-9);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('never gives a segment less when the budget grows (fixed step), and total value never falls', () => {
    let previous: number[] = three.map(() => 0);
    let previousValue = 0;
    for (let budget = 0; budget <= 30_000; budget += 1_000) {
      const a = allocateBudget(three, budget, { step: 50 });
      a.segments.forEach((s, i) => expect(s.amount).toBeGreaterThanOrEqual(previous[i]!));
      expect(a.expected_value).toBeGreaterThanOrEqual(previousValue);
      previous = a.segments.map((s) => s.amount);
      previousValue = a.expected_value;
    }
  });

  it('total value is monotone in the budget with the default steps too', () => {
    let last = 0;
    for (let budget = 0; budget <= 30_000; budget += 750) {
      const v = allocateBudget(three, budget).expected_value;
      expect(v).toBeGreaterThanOrEqual(last - 1e-9);
      last = v;
    }
  });

  it('equalises marginal values across funded segments (KKT), up to one step', () => {
    const a = allocateBudget(three, 10_000, { steps: 10_000 });
    const funded = a.segments.filter((s) => s.amount > 0);
    const margins = funded.map((s) => s.marginal_value);
    expect(Math.max(...margins) - Math.min(...margins)).toBeLessThan(0.01);
    for (const s of a.segments.filter((x) => x.amount === 0))
      expect(s.first_marginal_value).toBeLessThanOrEqual(Math.max(...margins) + 1e-9);
  });

  it('leaves budget that no segment can use unallocated', () => {
    const a = allocateBudget(targets([{ vMax: 0, scale: 100 }]), 500);
    expect(a.allocated).toBe(0);
    expect(a.unallocated).toBe(500);
    expect(a.roi).toBeNull();
  });

  it('a zero budget allocates nothing', () => {
    const a = allocateBudget(three, 0);
    expect(a.segments.every((s) => s.amount === 0)).toBe(true);
  });

  it('rejects a negative budget', () => {
    expect(() => allocateBudget(three, -1)).toThrow(RangeError);
  });
});
