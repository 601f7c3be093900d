import { describe, expect, it } from 'vitest';
import { computeMeasures, MIN_ANOMALY_HISTORY } from './measures.js';
import { MAD_SCALE } from './robust-z.js';

describe('alert measures', () => {
  it('computes change, relative change and the robust z-score', () => {
    const m = computeMeasures({
      value: 2700,
      previous: 700,
      history: [700, 600, 500, 400, 300, 200, 100],
      customers: 5,
    });
    expect(m).toMatchObject({ value: 2700, previous: 700, change: 2000, customers: 5 });
    expect(m.pct_change).toBeCloseTo(2000 / 700, 12);
    expect(m.anomaly).toBeCloseTo(2300 / (MAD_SCALE * 200), 12);
  });

  it('divides the relative change by |previous| so a fall reads negative', () => {
    expect(
      computeMeasures({ value: -120, previous: -100, history: [], customers: 1 }).pct_change,
    ).toBeCloseTo(-0.2, 12);
  });

  it('leaves out what cannot be computed', () => {
    const first = computeMeasures({ value: 5, previous: null, history: [], customers: 3 });
    expect(first).toMatchObject({ change: null, pct_change: null, anomaly: null });
    expect(computeMeasures({ value: 5, previous: 0, history: [0], customers: 3 }).pct_change).toBeNull();
    const short = Array.from({ length: MIN_ANOMALY_HISTORY - 1 }, (_, i) => i);
    expect(computeMeasures({ value: 99, previous: 3, history: short, customers: 3 }).anomaly).toBeNull();
    expect(
      computeMeasures({ value: 99, previous: 3, history: [...short, 9], customers: 3 }).anomaly,
    ).not.toBeNull();
  });
});
