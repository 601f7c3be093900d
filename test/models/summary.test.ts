import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { collapseSpendSummary, collapseSummary, totalWeight } from '../../src/models/summary.js';
import { Rng } from '../../src/core/rng.js';

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('collapseSummary', () => {
  it('merges identical (x, t_x, T) rows into weights, in order of first appearance', () => {
    const s = collapseSummary(
      [0, 2, 0, 2, 1, -0],
      [0, 30.43, 0, 30.43, 5, 0],
      [38.86, 38.86, 38.86, 38.86, 20, 38.86],
    );
    expect(s.length).toBe(3);
    expect([...s.x]).toEqual([0, 2, 1]);
    expect([...s.weight]).toEqual([3, 2, 1]);
    expect(totalWeight(s)).toBe(6);
  });

  it('keeps every customer on random data with many collisions (totals preserved)', () => {
    const rng = new Rng(7);
    const n = 20_000;
    const x = new Float64Array(n);
    const tx = new Float64Array(n);
    const T = new Float64Array(n);
    const keys = new Set<string>();
    for (let i = 0; i < n; i++) {
      T[i] = rng.int(30) / 7;
      x[i] = rng.int(3);
      tx[i] = x[i]! > 0 ? (rng.int(30) / 7) * (T[i]! > 0 ? 1 : 0) : 0;
      if (tx[i]! > T[i]!) tx[i] = T[i]!;
      keys.add(`${x[i]}|${tx[i]}|${T[i]}`);
    }
    const s = collapseSummary(x, tx, T);
    expect(s.length).toBe(keys.size);
    expect(totalWeight(s)).toBe(n);
    let sumX = 0;
    for (let i = 0; i < s.length; i++) sumX += s.x[i]! * s.weight[i]!;
    expect(sumX).toBe(x.reduce((a, b) => a + b, 0));
  });

  it('reports every invalid row with its number and a stable code', () => {
    const e = thrown(() =>
      collapseSummary([1, -1, 2, 0, Number.NaN, 1.5], [5, 0, 40, 3, 0, 1], [10, 10, 39, 10, 10, 10]),
    );
    expect(e.code).toBe('model_invalid_summary');
    expect(e.problems.map((p) => p.at?.row)).toEqual([2, 3, 4, 5, 6]);
    expect(e.message).toMatch(/t_x \(40\) is after T \(39\)/);
    expect(e.message).toMatch(/whole number/);
    expect(e.message).toMatch(/finite/);
  });

  it('rejects columns of different lengths', () => {
    expect(thrown(() => collapseSummary([1, 2], [0], [1, 2])).code).toBe('model_invalid_summary');
  });
});

describe('collapseSpendSummary', () => {
  it('keeps repeat buyers with positive spend and counts the others', () => {
    const s = collapseSpendSummary([0, 2, 2, 3, 1, 4], [0, 10, 10, -5, 0, 7.5]);
    expect(s.length).toBe(2);
    expect([...s.weight]).toEqual([2, 1]);
    expect(s.excludedNoRepeat).toBe(1);
    expect(s.excludedNonPositive).toBe(2);
  });

  it('rejects non-finite spend', () => {
    expect(thrown(() => collapseSpendSummary([1], [Number.POSITIVE_INFINITY])).code).toBe(
      'model_invalid_summary',
    );
  });
});
