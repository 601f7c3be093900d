/** The concave response curve (src/decisions/response-curve.ts). */
import { describe, expect, it } from 'vitest';
import { curveValue, marginalValue, responseCurve } from '../../src/decisions/response-curve.js';

describe('responseCurve', () => {
  const a = { cost_per_customer: 10, response_rate: 0.2, uplift_share: 0.5 };

  it('vMax = customers × response × uplift, scale = customers × cost', () => {
    // uplift = 0.5 × 300 per customer at stake = 150 per responder.
    expect(responseCurve(100, 300, a)).toEqual({ vMax: 100 * 0.2 * 150, scale: 1000 });
    expect(responseCurve(100, 300, { ...a, uplift_per_responder: 40 })).toEqual({ vMax: 800, scale: 1000 });
  });

  it('spending the cost of treating everyone once earns 1 − 1/e of vMax', () => {
    const c = responseCurve(100, 300, a);
    expect(curveValue(c, c.scale) / c.vMax).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(curveValue(c, 0)).toBe(0);
    expect(curveValue(c, 1e9)).toBeCloseTo(c.vMax, 6);
  });

  it('is concave: the marginal value falls and is the derivative', () => {
    const c = responseCurve(100, 300, a);
    let last = Infinity;
    for (let x = 0; x <= 5000; x += 250) {
      const m = marginalValue(c, x);
      expect(m).toBeLessThan(last);
      const h = 1e-3;
      expect(m).toBeCloseTo((curveValue(c, x + h) - curveValue(c, x)) / h, 4);
      last = m;
    }
  });

  it('a segment without customers or stake cannot respond', () => {
    expect(curveValue(responseCurve(0, 300, a), 100)).toBe(0);
    expect(curveValue(responseCurve(100, 0, a), 100)).toBe(0);
  });
});
