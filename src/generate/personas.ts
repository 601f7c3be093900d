import { userError } from '../core/errors.js';

/** Channels through which customers are acquired; all but `organic` carry marketing spend. */
export const ACQUISITION_CHANNELS = [
  'organic',
  'paid_search',
  'paid_social',
  'email',
  'referral',
  'affiliate',
] as const;
export type AcquisitionChannel = (typeof ACQUISITION_CHANNELS)[number];

/** Where orders are placed. */
export const ORDER_CHANNELS = ['web', 'app', 'store'] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

/** Engagement event types written to `events.event_type`. */
export const EVENT_TYPES = [
  'visit',
  'product_view',
  'add_to_cart',
  'email_open',
  'email_click',
  'login',
  'support_ticket',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Product categories of order lines. */
export const CATEGORIES = [
  'clothing',
  'home',
  'beauty',
  'electronics',
  'books',
  'toys',
  'grocery',
  'sports',
] as const;

/** Gender values written to `customers.gender` (an empty field means unknown). */
export const GENDERS = ['female', 'male', 'non_binary'] as const;

/**
 * The true parameters of a persona's purchase and spend processes, time unit one week.
 *
 * - BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science
 *   24(2), §3): purchase rate λ ~ Gamma(shape `r`, rate `alpha`); dropout probability
 *   p ~ Beta(`a`, `b`).
 * - Gamma-gamma spend (Fader, Hardie & Lee 2005, "RFM and CLV", JMR 42(4); Fader & Hardie 2013,
 *   "The Gamma-Gamma Model of Monetary Value"): ν ~ Gamma(shape `q`, rate `gamma`) per customer,
 *   each order's value z ~ Gamma(shape `p`, rate ν); mean spend per order p·gamma/(q − 1).
 */
export interface ModelParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
  p: number;
  q: number;
  gamma: number;
}

/** How a persona looks beyond its purchases: demographics, channels, engagement, feedback. */
export interface PersonaProfile {
  /** Age at sign-up: normal(mean, sd), clipped to 18–90. */
  ageMean: number;
  ageSd: number;
  /** Weights of {@link GENDERS}. */
  genderWeights: readonly number[];
  /** Weights of {@link ACQUISITION_CHANNELS}. */
  acquisitionWeights: readonly number[];
  /** Weights of {@link ORDER_CHANNELS}. */
  orderChannelWeights: readonly number[];
  /** Probability of marketing consent (among customers whose consent is known). */
  consentRate: number;
  /** Share living in the home market (United Kingdom). */
  domesticShare: number;
  /** Engagement events per week while the customer is active (before dropping out). */
  eventsPerWeek: number;
  /** Weights of {@link EVENT_TYPES} for those events. */
  eventWeights: readonly number[];
  /** Probability of answering the NPS/CSAT survey. */
  responseRate: number;
  /** Mean of the latent 0–10 satisfaction from which NPS and CSAT are drawn. */
  npsMean: number;
  /** Cost of goods as a share of revenue: uniform in [min, max]. */
  costRatioMin: number;
  costRatioMax: number;
  /** Typical price of one item: the number of items is about revenue / itemPrice. */
  itemPrice: number;
  /** Weights of {@link CATEGORIES} in order lines. */
  categoryWeights: readonly number[];
}

/** A latent customer type: the generator draws each customer's persona by `share`. */
export interface PersonaSpec {
  name: string;
  /** Relative weight (normalised over all personas). */
  share: number;
  description?: string;
  params: ModelParams;
  /** Overrides of the average profile ({@link DEFAULT_PROFILE}). */
  profile?: Partial<PersonaProfile>;
}

/** A persona with every field filled in, as the generator uses it. */
export interface Persona {
  name: string;
  share: number;
  description: string;
  params: ModelParams;
  profile: PersonaProfile;
}

/** The profile of a persona that does not say otherwise: an average customer. */
export const DEFAULT_PROFILE: PersonaProfile = {
  ageMean: 40,
  ageSd: 13,
  genderWeights: [0.52, 0.46, 0.02],
  acquisitionWeights: [0.25, 0.22, 0.2, 0.1, 0.1, 0.13],
  orderChannelWeights: [0.55, 0.3, 0.15],
  consentRate: 0.65,
  domesticShare: 0.9,
  eventsPerWeek: 0.5,
  eventWeights: [3, 4, 1.2, 2, 0.6, 1, 0.15],
  responseRate: 0.2,
  npsMean: 7.5,
  costRatioMin: 0.55,
  costRatioMax: 0.7,
  itemPrice: 30,
  categoryWeights: [3, 2, 2, 1, 1, 1, 1, 1],
};

/**
 * Five clearly distinct personas, so that a clustering of RFM-style features can recover them.
 * Weekly purchase rates r/alpha, mean dropout a/(a+b) and mean spend p·gamma/(q−1):
 * champions 0.33/wk, 3 %, £120; loyal regulars 0.125/wk, 7 %, £60; bargain hunters 0.25/wk,
 * 9 %, £18; big one-off spenders 0.02/wk, 50 %, £350; churners 0.06/wk, 57 %, £35.
 */
export const DEFAULT_PERSONAS: readonly PersonaSpec[] = [
  {
    name: 'champions',
    share: 0.1,
    description: 'Frequent, high-spending, long-lived customers.',
    params: { r: 4, alpha: 12, a: 2, b: 60, p: 6, q: 12, gamma: 220 },
    profile: {
      ageMean: 44,
      ageSd: 11,
      genderWeights: [0.55, 0.43, 0.02],
      acquisitionWeights: [0.3, 0.2, 0.08, 0.12, 0.22, 0.08],
      orderChannelWeights: [0.45, 0.45, 0.1],
      consentRate: 0.85,
      domesticShare: 0.9,
      eventsPerWeek: 0.9,
      eventWeights: [3, 4, 1.5, 2, 0.8, 2, 0.1],
      responseRate: 0.35,
      npsMean: 9,
      costRatioMin: 0.55,
      costRatioMax: 0.62,
      itemPrice: 40,
      categoryWeights: [4, 3, 3, 1.5, 1, 0.5, 0.5, 1.5],
    },
  },
  {
    name: 'loyal_regulars',
    share: 0.2,
    description: 'Steady mid-frequency, mid-spend customers.',
    params: { r: 3, alpha: 24, a: 2, b: 25, p: 5, q: 10, gamma: 108 },
    profile: {
      ageMean: 48,
      ageSd: 13,
      genderWeights: [0.6, 0.38, 0.02],
      acquisitionWeights: [0.32, 0.22, 0.1, 0.16, 0.12, 0.08],
      orderChannelWeights: [0.5, 0.25, 0.25],
      consentRate: 0.75,
      domesticShare: 0.92,
      eventsPerWeek: 0.5,
      eventWeights: [3, 3, 1, 3, 1, 1, 0.1],
      responseRate: 0.25,
      npsMean: 8.2,
      costRatioMin: 0.57,
      costRatioMax: 0.65,
      itemPrice: 30,
      categoryWeights: [2, 3, 1.5, 1, 2, 1, 1.5, 1],
    },
  },
  {
    name: 'bargain_hunters',
    share: 0.2,
    description: 'Frequent buyers of cheap, discounted baskets.',
    params: { r: 3, alpha: 12, a: 2, b: 20, p: 4, q: 10, gamma: 40.5 },
    profile: {
      ageMean: 31,
      ageSd: 9,
      genderWeights: [0.52, 0.46, 0.02],
      acquisitionWeights: [0.12, 0.2, 0.3, 0.1, 0.05, 0.23],
      orderChannelWeights: [0.4, 0.55, 0.05],
      consentRate: 0.65,
      domesticShare: 0.95,
      eventsPerWeek: 1,
      eventWeights: [4, 6, 2.5, 2, 1.5, 1, 0.15],
      responseRate: 0.15,
      npsMean: 7,
      costRatioMin: 0.63,
      costRatioMax: 0.7,
      itemPrice: 9,
      categoryWeights: [2, 1, 3, 0.3, 1, 1.5, 4, 0.5],
    },
  },
  {
    name: 'big_one_off_spenders',
    share: 0.12,
    description: 'Rare, large purchases; most never come back.',
    params: { r: 2, alpha: 100, a: 4, b: 4, p: 10, q: 12, gamma: 385 },
    profile: {
      ageMean: 52,
      ageSd: 12,
      genderWeights: [0.4, 0.58, 0.02],
      acquisitionWeights: [0.25, 0.4, 0.1, 0.03, 0.12, 0.1],
      orderChannelWeights: [0.55, 0.05, 0.4],
      consentRate: 0.45,
      domesticShare: 0.8,
      eventsPerWeek: 0.12,
      eventWeights: [3, 4, 0.6, 1, 0.2, 0.3, 0.3],
      responseRate: 0.15,
      npsMean: 7.3,
      costRatioMin: 0.58,
      costRatioMax: 0.66,
      itemPrice: 180,
      categoryWeights: [0.5, 3, 0.2, 5, 0.1, 0.2, 0.1, 1.5],
    },
  },
  {
    name: 'churners',
    share: 0.38,
    description: 'Low-frequency customers who drop out soon after their first orders.',
    params: { r: 1.5, alpha: 25, a: 4, b: 3, p: 3, q: 8, gamma: 81.7 },
    profile: {
      ageMean: 29,
      ageSd: 10,
      genderWeights: [0.5, 0.47, 0.03],
      acquisitionWeights: [0.15, 0.25, 0.35, 0.03, 0.04, 0.18],
      orderChannelWeights: [0.6, 0.3, 0.1],
      consentRate: 0.55,
      domesticShare: 0.88,
      eventsPerWeek: 0.25,
      eventWeights: [3, 3, 0.8, 1.5, 0.3, 0.4, 0.35],
      responseRate: 0.15,
      npsMean: 5,
      costRatioMin: 0.6,
      costRatioMax: 0.7,
      itemPrice: 20,
      categoryWeights: [3, 1, 2, 0.8, 1, 1.5, 1, 1],
    },
  },
];

const PARAM_NAMES = ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma'] as const;
const WEIGHT_LISTS: [keyof PersonaProfile & `${string}Weights`, readonly string[]][] = [
  ['genderWeights', GENDERS],
  ['acquisitionWeights', ACQUISITION_CHANNELS],
  ['orderChannelWeights', ORDER_CHANNELS],
  ['eventWeights', EVENT_TYPES],
  ['categoryWeights', CATEGORIES],
];
const SHARES = ['consentRate', 'domesticShare', 'responseRate'] as const;

/**
 * Checks persona specs and fills in their profiles; shares are normalised to sum to 1 and the
 * purchase processes are scaled by `intensity` (see {@link scaleIntensity}; the calibration of
 * `ordersPerCustomer`).
 * @throws UserError listing every invalid field.
 */
export function resolvePersonas(specs: readonly PersonaSpec[], intensity = 1): Persona[] {
  const problems: string[] = [];
  if (specs.length === 0) problems.push('personas: at least one persona is needed');
  const names = new Set<string>();
  specs.forEach((s, i) => {
    const at = `personas[${i}]`;
    if (typeof s.name !== 'string' || s.name.length === 0 || !/^[\w-]+$/.test(s.name))
      problems.push(`${at}.name must be a non-empty word (letters, digits, _ or -)`);
    else if (names.has(s.name)) problems.push(`${at}.name '${s.name}' is used twice`);
    names.add(s.name);
    if (!(s.share > 0) || !Number.isFinite(s.share)) problems.push(`${at}.share must be a positive number`);
    for (const k of PARAM_NAMES) {
      const v = s.params?.[k];
      if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
        problems.push(`${at}.params.${k} must be a positive number`);
    }
    for (const [k, names] of WEIGHT_LISTS) {
      const w = s.profile?.[k];
      if (w === undefined) continue;
      if (w.length !== names.length || w.some((x) => !(x >= 0)) || !w.some((x) => x > 0))
        problems.push(
          `${at}.profile.${k} needs ${names.length} non-negative weights (${names.join(', ')}), not all 0`,
        );
    }
    for (const k of SHARES) {
      const v = s.profile?.[k];
      if (v !== undefined && !(v >= 0 && v <= 1)) problems.push(`${at}.profile.${k} must be between 0 and 1`);
    }
  });
  if (problems.length > 0)
    throw userError('invalid_personas', problems.join('; '), {
      hint: 'each persona needs a name, a positive share and positive r, alpha, a, b, p, q, gamma',
    });
  const total = specs.reduce((t, s) => t + s.share, 0);
  return specs.map((s) => ({
    name: s.name,
    share: s.share / total,
    description: s.description ?? '',
    params: scaleIntensity(s.params, intensity),
    profile: { ...DEFAULT_PROFILE, ...s.profile },
  }));
}

/**
 * Scales a persona's purchase process by an intensity k: purchase rate λ × k (α / k) and dropout
 * probability about ÷ k (b × k), so customers live as many weeks as before and buy k times as
 * often while alive. Scaling α alone cannot go far: dropout after each purchase caps a customer's
 * lifetime orders near 1 + 1/p however fast they buy.
 */
export function scaleIntensity(params: ModelParams, k: number): ModelParams {
  return { ...params, alpha: params.alpha / k, b: params.b * k };
}

/** Mean spend per order of the gamma-gamma model, p·γ/(q − 1) (infinite when q ≤ 1). */
export function meanSpend(params: ModelParams): number {
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : Number.POSITIVE_INFINITY;
}
