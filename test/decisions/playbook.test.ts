/**
 * The default playbook (src/decisions/playbook.ts) fires the expected action on constructed
 * segment profiles, and the rationale cites the numbers that triggered it.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACTIONS } from '../../src/decisions/actions.js';
import {
  chooseAction,
  DEFAULT_PLAYBOOK,
  type SegmentProfile,
  type Signal,
} from '../../src/decisions/playbook.js';
import { rationale } from '../../src/decisions/rationale.js';

/** A healthy, average segment; each case changes what it is about. */
function profile(signals: Partial<Record<Signal, number | null>>, segment = 'S'): SegmentProfile {
  return {
    scheme: 'test',
    segment,
    customers: 500,
    signals: {
      value_index: 1,
      churn_risk: 0.15,
      revenue_trend: 0,
      size_trend: 0,
      engagement_index: 0.85,
      nps: 10,
      csat: 0.8,
      new_share: 0.1,
      repeat_rate: 0.5,
      customers: 500,
      ...signals,
    },
    context: {
      clv: 200 * (signals.value_index ?? 1),
      base_clv: 200,
      churn_basis: 'p_alive',
      base_churn_risk: 0.4,
      engagement_rate: 0.6 * (signals.engagement_index ?? 0.85),
      base_engagement_rate: 0.6,
      base_nps: 5,
      previous_as_of: '2026-05-31',
      new_days: 90,
    },
  };
}

const action = (p: SegmentProfile) => chooseAction(p, DEFAULT_PLAYBOOK).action;

describe('the default playbook', () => {
  const cases: [string, Partial<Record<Signal, number | null>>, string][] = [
    ['valuable and unhappy (NPS)', { value_index: 2, nps: -35 }, 'service_recovery'],
    ['valuable and unhappy (CSAT)', { value_index: 1.5, csat: 0.4 }, 'service_recovery'],
    ['unhappy but not valuable', { value_index: 0.8, nps: -35, repeat_rate: 0.2 }, 'no_action'],
    ['valuable and lapsing', { value_index: 3, churn_risk: 0.9 }, 'win_back'],
    ['a third as valuable and lapsing', { value_index: 0.35, churn_risk: 0.7 }, 'win_back'],
    ['lapsed and worth little', { value_index: 0.1, churn_risk: 0.9 }, 'no_action'],
    ['mostly new customers', { new_share: 0.8, value_index: 0.2, churn_risk: 0 }, 'onboarding'],
    ['valuable and staying', { value_index: 2.5, churn_risk: 0.1 }, 'loyalty_programme'],
    [
      'loyal, engaged, below the top',
      { value_index: 0.7, churn_risk: 0.2, repeat_rate: 0.8, engagement_index: 1.1 },
      'upsell_cross_sell',
    ],
    ['drifting: churn risk rising', { value_index: 0.5, churn_risk: 0.45 }, 're_engagement'],
    ['drifting: disengaged', { value_index: 0.5, engagement_index: 0.6 }, 're_engagement'],
    ['drifting: revenue falling', { value_index: 0.5, revenue_trend: -0.35 }, 're_engagement'],
    ['healthy and average', {}, 'no_action'],
  ];
  for (const [name, signals, expected] of cases)
    it(`${name} → ${expected}`, () => expect(action(profile(signals))).toBe(expected));

  it('an unknown signal never satisfies a condition (no NPS answers: no service recovery)', () => {
    expect(action(profile({ value_index: 2, nps: null, csat: null, churn_risk: 0.1 }))).toBe(
      'loyalty_programme',
    );
    // Without churn risk, engagement or trend, a low-value segment is left alone.
    expect(
      action(profile({ value_index: 0.5, churn_risk: null, engagement_index: null, revenue_trend: null })),
    ).toBe('no_action');
  });

  it('first match wins: valuable, unhappy and lapsing is service recovery, not win-back', () => {
    expect(action(profile({ value_index: 2, nps: -40, churn_risk: 0.9 }))).toBe('service_recovery');
  });

  it('custom playbooks run the same way', () => {
    const p = profile({ churn_risk: 0.5 });
    expect(
      chooseAction(p, [{ action: 'win_back', all: [{ signal: 'churn_risk', op: '>', value: 0.4 }] }]).action,
    ).toBe('win_back');
    expect(chooseAction(p, [{ action: 'win_back', any: [] }]).action).toBe('win_back');
    expect(chooseAction(p, []).action).toBe('no_action');
  });
});

describe('rationale', () => {
  it('cites the figures and thresholds that triggered the rule', () => {
    const p = profile({ value_index: 3.07, churn_risk: 0.97 });
    const text = rationale(p, chooseAction(p, DEFAULT_PLAYBOOK), DEFAULT_ACTIONS.win_back.label);
    expect(text).toBe(
      'Win-back offer: churn risk 97 % (1 − P(alive)) vs 40 % overall (rule: ≥ 60 %) and worth 3.07× ' +
        'the average customer (CLV 614.00 vs 200.00) (rule: ≥ 0.3×).',
    );
  });

  it('merges conditions on one signal into one clause', () => {
    const p = profile({ value_index: 0.5, churn_risk: 0.45 });
    const text = rationale(p, chooseAction(p, DEFAULT_PLAYBOOK), 'Re-engagement');
    expect(text.match(/churn risk/g)?.length).toBe(1);
    expect(text).toContain('churn risk 45 % (1 − P(alive)) vs 40 % overall (rule: < 60 % and ≥ 25 %)');
  });

  it('says why nothing is done', () => {
    const p = profile({ value_index: 0.1, churn_risk: 0.9 });
    expect(rationale(p, chooseAction(p, DEFAULT_PLAYBOOK), 'No action')).toBe(
      'No action: the catch-all rule — worth 0.1× the average customer (CLV 20.00 vs 200.00) and churn risk 90 % ' +
        '(1 − P(alive)) vs 40 % overall.',
    );
  });
});
