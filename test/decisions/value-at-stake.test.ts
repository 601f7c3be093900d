/**
 * Segment profiles and values at stake from segment figures (src/decisions/segment-profiles.ts
 * `profileOf`, src/decisions/value-at-stake.ts): which figure is used when, and the fallbacks
 * without model scores.
 */
import { describe, expect, it } from 'vitest';
import { profileOf, type SegmentFigures } from '../../src/decisions/segment-profiles.js';
import { valueAtStake } from '../../src/decisions/value-at-stake.js';

function figures(over: Partial<SegmentFigures> = {}, kpis: SegmentFigures['kpis'] = {}): SegmentFigures {
  return {
    scheme: 's',
    segment: 'A',
    customers: 100,
    kpis,
    new_share: 0.2,
    lapsed_value: null,
    churned_revenue: null,
    previous: null,
    suppression: null,
    ...over,
  };
}

const options = { newDays: 90, minResponses: 20 };

describe('valueAtStake', () => {
  it('retention actions: the lapsed value with scores, then revenue lost to churn, then revenue × churn rate', () => {
    expect(valueAtStake(figures({ lapsed_value: 5000, churned_revenue: 900 }), 'at_risk')).toEqual({
      value: 5000,
      measure: 'lapsed_value',
    });
    expect(valueAtStake(figures({ churned_revenue: 900 }), 'at_risk')).toEqual({
      value: 900,
      measure: 'churned_revenue',
    });
    const k = { revenue: { value: 2000, n: 100 }, churn_rate: { value: 0.3, n: 60 } };
    expect(valueAtStake(figures({}, k), 'at_risk')).toEqual({ value: 600, measure: 'revenue_x_churn_rate' });
    expect(valueAtStake(figures(), 'at_risk')).toEqual({ value: null, measure: null });
  });

  it('growth actions: Σ predicted CLV over the scored customers, else historical CLV × customers', () => {
    const scored = { predicted_clv: { value: 150, n: 80 }, historical_clv: { value: 90, n: 100 } };
    expect(valueAtStake(figures({}, scored), 'clv')).toEqual({
      value: 12_000,
      measure: 'predicted_clv_total',
    });
    expect(valueAtStake(figures({}, { historical_clv: { value: 90, n: 100 } }), 'clv')).toEqual({
      value: 9000,
      measure: 'historical_clv_total',
    });
  });
});

describe('profileOf', () => {
  const base = figures(
    { segment: 'All customers', customers: 1000 },
    {
      historical_clv: { value: 100, n: 1000 },
      p_alive: { value: 0.6, n: 900 },
      engagement_rate: { value: 0.5, n: 1000 },
      nps: { value: 10, n: 300 },
      churn_rate: { value: 0.4, n: 700 },
    },
  );

  it('reads value, churn risk (1 − P(alive)), engagement and survey signals against the base', () => {
    const seg = figures(
      { previous: { customers: 80, revenue: 5000 } },
      {
        historical_clv: { value: 250, n: 100 },
        p_alive: { value: 0.3, n: 100 },
        churn_rate: { value: 0.2, n: 50 },
        engagement_rate: { value: 0.25, n: 100 },
        nps: { value: -30, n: 25 },
        csat: { value: 0.5, n: 10 },
        revenue: { value: 4000, n: 100 },
        repeat_rate: { value: 0.7, n: 100 },
      },
    );
    const p = profileOf(seg, base, null, options);
    expect(p.signals.value_index).toBeCloseTo(2.5, 12);
    expect(p.signals.churn_risk).toBeCloseTo(0.7, 12);
    expect(p.context.churn_basis).toBe('p_alive');
    expect(p.context.base_churn_risk).toBeCloseTo(0.4, 12);
    expect(p.signals.engagement_index).toBeCloseTo(0.5, 12);
    expect(p.signals.nps).toBe(-30);
    // CSAT from 10 responders (< min_responses 20) is treated as unknown.
    expect(p.signals.csat).toBeNull();
    expect(p.signals.revenue_trend).toBeCloseTo(-0.2, 12);
    expect(p.signals.size_trend).toBeCloseTo(0.25, 12);
    expect(p.signals.repeat_rate).toBe(0.7);
  });

  it('without model scores: churn risk is the churn rate; value falls back to revenue per customer', () => {
    const noModels = figures(
      { customers: 100 },
      { churn_rate: { value: 0.45, n: 60 }, revenue: { value: 3000, n: 100 } },
    );
    const baseNoModels = figures(
      { customers: 1000 },
      { churn_rate: { value: 0.3, n: 600 }, revenue: { value: 15_000, n: 1000 } },
    );
    const p = profileOf(noModels, baseNoModels, null, options);
    expect(p.signals.churn_risk).toBe(0.45);
    expect(p.context.churn_basis).toBe('churn_rate');
    expect(p.context.base_churn_risk).toBe(0.3);
    expect(p.signals.value_index).toBeCloseTo(30 / 15, 12);
    expect(p.signals.revenue_trend).toBeNull();
  });
});
