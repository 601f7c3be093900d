import type { Rng } from '../core/rng.js';
import { SECONDS_PER_DAY } from './calendar.js';
import { type CsvSink, encode } from './csv-sink.js';
import type { IdFormat } from './order-process.js';
import type { Persona } from './personas.js';
import type { PurchaseHistory } from './purchase-history.js';

/** Columns of feedback.csv: canonical names (src/model/canonical.ts). */
export const FEEDBACK_COLUMNS = ['customer_id', 'responded_at', 'nps_score', 'csat_score'] as const;

/** Share of respondents who answer a second survey after another purchase. */
const SECOND_RESPONSE = 0.15;
/** Spread of a customer's satisfaction around the persona mean, and of one answer around it. */
const CUSTOMER_SD = 1.5;
const ANSWER_SD = 0.8;
/** Share of responses with only one of the two scores. */
const NPS_MISSING = 0.02;
const CSAT_MISSING = 0.08;

const C = encode('C');

/**
 * NPS/CSAT survey answers sent a few days after a purchase. Each respondent has a latent
 * satisfaction s ~ N(persona mean, 1.5) on the 0–10 scale; NPS = round(s + N(0, 0.8)) clipped to
 * 0–10 and CSAT = round(1 + 0.4·s + N(0, 0.5)) clipped to 1–5, so the two scores agree and both
 * follow the persona.
 */
export class FeedbackSurvey {
  constructor(
    private readonly sink: CsvSink,
    private readonly ids: IdFormat,
    private readonly endSeconds: number,
  ) {}

  /** Rows written. */
  get rows(): number {
    return this.sink.rows;
  }

  /** Maybe writes the survey answers of one customer. */
  simulate(rng: Rng, persona: Persona, customer: number, history: PurchaseHistory): void {
    if (history.count === 0 || rng.uniform() >= persona.profile.responseRate) return;
    const satisfaction = persona.profile.npsMean + CUSTOMER_SD * rng.normal();
    let first = this.responseTime(rng, history);
    let second = rng.uniform() < SECOND_RESPONSE ? this.responseTime(rng, history) : Number.NaN;
    if (second < first) [first, second] = [second, first];
    this.answer(rng, customer, first, satisfaction);
    this.answer(rng, customer, second, satisfaction);
  }

  /** One to fourteen days after a random purchase; NaN when that is past the end. */
  private responseTime(rng: Rng, history: PurchaseHistory): number {
    const t = history.times[rng.int(history.count)]! + (1 + 13 * rng.uniform()) * SECONDS_PER_DAY;
    return t < this.endSeconds ? t : Number.NaN;
  }

  private answer(rng: Rng, customer: number, t: number, satisfaction: number): void {
    if (Number.isNaN(t)) return;
    const nps = clamp(Math.round(satisfaction + ANSWER_SD * rng.normal()), 0, 10);
    const csat = clamp(Math.round(1 + 0.4 * satisfaction + 0.5 * rng.normal()), 1, 5);
    const u = rng.uniform();
    const s = this.sink;
    s.text(C).padded(customer, this.ids.customerWidth).comma();
    s.timestamp(Math.floor(t)).comma();
    if (u >= NPS_MISSING) s.int(nps);
    s.comma();
    if (u < NPS_MISSING || u >= NPS_MISSING + CSAT_MISSING) s.int(csat);
    s.end();
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
