import { closeSync, openSync, writeSync } from 'node:fs';
import { CHANNEL_CAC } from './marketing-spend.js';
import {
  ACQUISITION_CHANNELS,
  CATEGORIES,
  EVENT_TYPES,
  GENDERS,
  ORDER_CHANNELS,
  type Persona,
  type PersonaProfile,
  meanSpend,
} from './personas.js';

/** What generated the data, to check what segtrack recovers from it. Written as `truth.json`. */
export interface TruthHeader {
  seed: number;
  start: string;
  end: string;
  /** Model time unit of the parameters. */
  time_unit: 'week';
  currency: string;
  /**
   * Purchase intensity k applied to every persona to reach `ordersPerCustomer` (1 when not
   * calibrated): the params below are already scaled (α / k, b × k).
   */
  intensity: number;
  /** Expected completed orders per customer under the true parameters (pilot estimate). */
  expected_orders_per_customer: number;
  prospect_share: number;
  /** True acquisition cost per customer of each paid channel. */
  channel_cac: Record<string, number>;
  personas: {
    name: string;
    share: number;
    description: string;
    /** BG/NBD (r, alpha, a, b) and gamma-gamma (p, q, gamma) parameters, after calibration. */
    params: Persona['params'];
    /** Derived means: weekly purchase rate r/α, dropout a/(a+b), spend per order pγ/(q−1). */
    mean_purchase_rate: number;
    mean_dropout: number;
    mean_spend: number;
    /** The persona's profile, with every weight list keyed by the names it weighs. */
    profile: NamedProfile;
  }[];
}

const CHUNK_CUSTOMERS = 50_000;

/**
 * Writes `truth.json`: the header, then `customers` (id → true persona, every customer) and
 * `prospects` (ids of customers who never order). Streamed in chunks, because a million
 * customers make a 30 MB object.
 */
export function writeTruth(
  path: string,
  header: TruthHeader,
  personas: readonly Persona[],
  personaOf: Uint8Array,
  prospect: Uint8Array,
  customerId: (n: number) => string,
): void {
  const fd = openSync(path, 'w');
  try {
    const head = JSON.stringify(header, null, 2);
    writeSync(fd, `${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "customers": {`);
    const names = personas.map((p) => JSON.stringify(p.name));
    const n = personaOf.length;
    for (let start = 0; start < n; start += CHUNK_CUSTOMERS) {
      const parts: string[] = [];
      for (let i = start; i < Math.min(n, start + CHUNK_CUSTOMERS); i++)
        parts.push(`${i === 0 ? '' : ','}\n    "${customerId(i + 1)}": ${names[personaOf[i]!]!}`);
      writeSync(fd, parts.join(''));
    }
    writeSync(fd, `${n > 0 ? '\n  ' : ''}},\n  "prospects": [`);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) if (prospect[i]) ids.push(`"${customerId(i + 1)}"`);
    writeSync(fd, `${ids.join(', ')}]\n}\n`);
  } finally {
    closeSync(fd);
  }
}

/** The persona part of the truth header. */
export function truthPersonas(personas: readonly Persona[]): TruthHeader['personas'] {
  return personas.map((p) => ({
    name: p.name,
    share: p.share,
    description: p.description,
    params: p.params,
    mean_purchase_rate: p.params.r / p.params.alpha,
    mean_dropout: p.params.a / (p.params.a + p.params.b),
    mean_spend: meanSpend(p.params),
    profile: namedProfile(p.profile),
  }));
}

/** A {@link PersonaProfile} whose weight lists are objects keyed by category name. */
export type NamedProfile = Omit<
  PersonaProfile,
  'genderWeights' | 'acquisitionWeights' | 'orderChannelWeights' | 'eventWeights' | 'categoryWeights'
> & {
  genderWeights: Record<string, number>;
  acquisitionWeights: Record<string, number>;
  orderChannelWeights: Record<string, number>;
  eventWeights: Record<string, number>;
  categoryWeights: Record<string, number>;
};

function named(names: readonly string[], weights: readonly number[]): Record<string, number> {
  return Object.fromEntries(names.map((n, i) => [n, weights[i] ?? 0]));
}

function namedProfile(p: PersonaProfile): NamedProfile {
  return {
    ...p,
    genderWeights: named(GENDERS, p.genderWeights),
    acquisitionWeights: named(ACQUISITION_CHANNELS, p.acquisitionWeights),
    orderChannelWeights: named(ORDER_CHANNELS, p.orderChannelWeights),
    eventWeights: named(EVENT_TYPES, p.eventWeights),
    categoryWeights: named(CATEGORIES, p.categoryWeights),
  };
}

/** The true CAC per paid channel, for the header. */
export function truthChannelCac(): Record<string, number> {
  return { ...CHANNEL_CAC };
}
