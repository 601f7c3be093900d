/**
 * The recommendation playbook: ordered rules mapping a segment's profile to an action, first
 * match wins. Pure: profiles in, actions and plain-sentence rationales out.
 */
import { NO_ACTION } from './actions.js';

/**
 * The signals a rule can test (CONTEXT.md, "Segment profile"). Every one may be null (unknown),
 * and a condition on an unknown signal does not hold.
 */
export const SIGNALS = [
  'value_index',
  'churn_risk',
  'revenue_trend',
  'size_trend',
  'engagement_index',
  'nps',
  'csat',
  'new_share',
  'repeat_rate',
  'customers',
] as const;

/** A signal of a segment profile. */
export type Signal = (typeof SIGNALS)[number];

/** Comparison operators of a condition. */
export const OPERATORS = ['<', '<=', '>', '>='] as const;
export type Operator = (typeof OPERATORS)[number];

/** `signal op value`, e.g. churn_risk ≥ 0.6. */
export interface Condition {
  signal: Signal;
  op: Operator;
  value: number;
}

/**
 * One rule: it fires when every `all` condition holds and, if `any` is given, at least one of
 * `any` holds. A rule with neither always fires (a catch-all).
 */
export interface PlaybookRule {
  action: string;
  all?: Condition[];
  any?: Condition[];
}

/** The profile of one segment: its signals and the figures they were computed from. */
export interface SegmentProfile {
  scheme: string;
  segment: string;
  customers: number;
  signals: Record<Signal, number | null>;
  /** Figures quoted in rationales. */
  context: ProfileContext;
}

/** Figures behind the signals, for the rationale. Null: unknown. */
export interface ProfileContext {
  /** CLV per customer of the segment and of the base (historical: margin or revenue to date). */
  clv: number | null;
  base_clv: number | null;
  /** `1 − p_alive` (model) or `churn_rate` (observed): where churn_risk came from. */
  churn_basis: 'p_alive' | 'churn_rate' | null;
  base_churn_risk: number | null;
  engagement_rate: number | null;
  base_engagement_rate: number | null;
  base_nps: number | null;
  /** As-of date of the snapshot the trends compare with. */
  previous_as_of: string | null;
  /** Days a customer counts as new (tenure). */
  new_days: number;
}

/**
 * The default playbook, first match wins (the table in CONTEXT.md gives the reasoning):
 * 1. service recovery: valuable (≥ 1.2× the average CLV) and unhappy (NPS ≤ −20 or CSAT ≤ 50 %);
 * 2. win-back: probably lapsed (churn risk ≥ 60 %) yet worth ≥ 0.3× an average customer;
 * 3. onboarding: most joined recently (≥ 50 % within `new_days`);
 * 4. loyalty programme: valuable and not lapsing (churn risk < 60 %);
 * 5. upsell / cross-sell: loyal (churn risk < 35 %, ≥ 60 % repeat buyers), engaged (≥ 0.9× the
 *    base's engagement) and below the top value;
 * 6. re-engagement: not lapsed (< 60 %) and worth something (≥ 5 % of average), but drifting:
 *    churn risk ≥ 25 %, engagement ≤ 0.8× the base's, or revenue down ≥ 20 % since the previous
 *    snapshot;
 * 7. no action: everything else (healthy low-value segments, and lapsed ones not worth a paid win-back).
 */
export const DEFAULT_PLAYBOOK: readonly PlaybookRule[] = [
  {
    action: 'service_recovery',
    all: [{ signal: 'value_index', op: '>=', value: 1.2 }],
    any: [
      { signal: 'nps', op: '<=', value: -20 },
      { signal: 'csat', op: '<=', value: 0.5 },
    ],
  },
  {
    action: 'win_back',
    all: [
      { signal: 'churn_risk', op: '>=', value: 0.6 },
      { signal: 'value_index', op: '>=', value: 0.3 },
    ],
  },
  { action: 'onboarding', all: [{ signal: 'new_share', op: '>=', value: 0.5 }] },
  {
    action: 'loyalty_programme',
    all: [
      { signal: 'value_index', op: '>=', value: 1.2 },
      { signal: 'churn_risk', op: '<', value: 0.6 },
    ],
  },
  {
    action: 'upsell_cross_sell',
    all: [
      { signal: 'churn_risk', op: '<', value: 0.35 },
      { signal: 'repeat_rate', op: '>=', value: 0.6 },
      { signal: 'engagement_index', op: '>=', value: 0.9 },
      { signal: 'value_index', op: '<', value: 1.2 },
    ],
  },
  {
    action: 're_engagement',
    all: [
      { signal: 'churn_risk', op: '<', value: 0.6 },
      { signal: 'value_index', op: '>=', value: 0.05 },
    ],
    any: [
      { signal: 'churn_risk', op: '>=', value: 0.25 },
      { signal: 'engagement_index', op: '<=', value: 0.8 },
      { signal: 'revenue_trend', op: '<=', value: -0.2 },
    ],
  },
  { action: NO_ACTION },
];

/** Whether a condition holds for a profile (false when the signal is unknown). */
export function holds(c: Condition, p: SegmentProfile): boolean {
  const v = p.signals[c.signal];
  if (v === null || !Number.isFinite(v)) return false;
  switch (c.op) {
    case '<':
      return v < c.value;
    case '<=':
      return v <= c.value;
    case '>':
      return v > c.value;
    case '>=':
      return v >= c.value;
  }
}

/** The action chosen for a segment and the conditions that made the rule fire. */
export interface Choice {
  action: string;
  /** Index of the rule in the playbook; -1 when none fired (no action). */
  rule: number;
  /** The `all` conditions and the `any` conditions that held. */
  matched: Condition[];
}

/** Applies the playbook to a profile: the first rule that fires, else no action. */
export function chooseAction(p: SegmentProfile, playbook: readonly PlaybookRule[]): Choice {
  for (const [i, r] of playbook.entries()) {
    const all = r.all ?? [];
    if (!all.every((c) => holds(c, p))) continue;
    const any = r.any ?? [];
    const hit = any.filter((c) => holds(c, p));
    if (any.length > 0 && hit.length === 0) continue;
    return { action: r.action, rule: i, matched: [...all, ...hit] };
  }
  return { action: NO_ACTION, rule: -1, matched: [] };
}
