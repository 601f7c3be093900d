/** ROI of an intervention (src/decisions/intervention-roi.ts). */
import { describe, expect, it } from 'vitest';
import { interventionRoi } from '../../src/decisions/intervention-roi.js';

describe('interventionRoi', () => {
  it('is effect × customers − cost, and that over the cost', () => {
    expect(interventionRoi(4, 1000, 2500)).toEqual({
      effect_per_customer: 4,
      customers: 1000,
      cost: 2500,
      incremental_value: 4000,
      net_value: 1500,
      roi: 0.6,
    });
  });
  it('can lose money', () => {
    expect(interventionRoi(1, 1000, 2500).roi).toBeCloseTo(-0.6, 12);
  });
  it('has no ratio when free', () => {
    expect(interventionRoi(1, 10, 0).roi).toBeNull();
  });
  it('rejects nonsense', () => {
    expect(() => interventionRoi(Number.NaN, 10, 1)).toThrow(RangeError);
    expect(() => interventionRoi(1, -1, 1)).toThrow(RangeError);
  });
});
