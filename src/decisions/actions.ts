/**
 * The actions a recommendation can name, with the response assumptions the budget allocation uses
 * (`recommend.actions.<action>` in the config overrides them field by field). Pure data.
 */

/** The built-in actions. A config may add its own names under `recommend.actions`. */
export const BUILTIN_ACTIONS = [
  'service_recovery',
  'win_back',
  'onboarding',
  'loyalty_programme',
  'upsell_cross_sell',
  're_engagement',
  'no_action',
] as const;

/** A built-in action. */
export type BuiltinAction = (typeof BUILTIN_ACTIONS)[number];

/** What an action's value at stake is measured on (CONTEXT.md, "Value at stake"). */
export type StakeBasis = 'at_risk' | 'clv';

/**
 * How customers respond to an action: the inputs of the response curve (response-curve.ts).
 *
 * A responder adds `uplift_per_responder` (currency) when it is set, else `uplift_share` × the
 * segment's value at stake per customer — so that, by default, a segment with more at stake is
 * worth more per responder.
 */
export interface ActionAssumptions {
  /** Plain-words name shown to analysts. */
  label: string;
  /** What the action is, in one line. */
  description: string;
  /** Which value at stake the action protects or grows. */
  basis: StakeBasis;
  /** Cost of treating one customer once (currency). */
  cost_per_customer: number;
  /** Share of treated customers who respond (0–1). */
  response_rate: number;
  /** Incremental value per responder (currency); overrides `uplift_share`. */
  uplift_per_responder?: number;
  /** Incremental value per responder as a share of the value at stake per customer (0–1). */
  uplift_share: number;
}

/**
 * Default assumptions. They are illustrative orders of magnitude for a retailer with customer
 * values of ~£100–£500, not measurements: replace them with the results of your own tests
 * (`segtrack export --holdout` then `segtrack compare`) under `recommend.actions`.
 *
 * - Retention actions (`at_risk`) protect revenue at risk: a responder keeps `uplift_share` of
 *   the value the segment stands to lose per customer.
 * - Growth actions (`clv`) grow the segment's value: a responder adds `uplift_share` of the
 *   segment's CLV per customer.
 */
export const DEFAULT_ACTIONS: Readonly<Record<BuiltinAction, ActionAssumptions>> = {
  service_recovery: {
    label: 'Service recovery',
    description: 'personal contact and a make-good for valuable customers who are unhappy',
    basis: 'at_risk',
    cost_per_customer: 20,
    response_rate: 0.35,
    uplift_share: 0.5,
  },
  win_back: {
    label: 'Win-back offer',
    description: 'an incentive to come back for valuable customers who have probably lapsed',
    basis: 'at_risk',
    cost_per_customer: 12,
    response_rate: 0.15,
    uplift_share: 0.6,
  },
  onboarding: {
    label: 'Onboarding',
    description: 'a welcome journey towards the second purchase for customers who joined recently',
    basis: 'clv',
    cost_per_customer: 4,
    response_rate: 0.3,
    uplift_share: 0.2,
  },
  loyalty_programme: {
    label: 'Loyalty programme',
    description: 'rewards and recognition to keep the most valuable customers close',
    basis: 'clv',
    cost_per_customer: 10,
    response_rate: 0.4,
    uplift_share: 0.08,
  },
  upsell_cross_sell: {
    label: 'Upsell / cross-sell',
    description: 'offers of higher-value or complementary products to engaged, loyal customers',
    basis: 'clv',
    cost_per_customer: 3,
    response_rate: 0.12,
    uplift_share: 0.25,
  },
  re_engagement: {
    label: 'Re-engagement',
    description: 'low-cost reminders and content for customers drifting away',
    basis: 'at_risk',
    cost_per_customer: 2,
    response_rate: 0.1,
    uplift_share: 0.4,
  },
  no_action: {
    label: 'No action',
    description: 'nothing to spend on: the segment is fine, or not worth a paid action',
    basis: 'at_risk',
    cost_per_customer: 0,
    response_rate: 0,
    uplift_share: 0,
  },
};

/** The action that spends nothing. */
export const NO_ACTION = 'no_action';
