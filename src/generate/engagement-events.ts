import type { Rng } from '../core/rng.js';
import { SECONDS_PER_DAY, SECONDS_PER_WEEK } from './calendar.js';
import { type CsvSink, encode } from './csv-sink.js';
import { Consent } from './customer-row.js';
import type { IdFormat } from './order-process.js';
import { EVENT_TYPES, ORDER_CHANNELS, type Persona } from './personas.js';
import type { PurchaseHistory } from './purchase-history.js';

/** Columns of events.csv: canonical names (src/model/canonical.ts). */
export const EVENT_COLUMNS = ['customer_id', 'occurred_at', 'event_type'] as const;

/** Events are only written for the last year before the end, to bound their volume. */
export const EVENT_WINDOW_DAYS = 365;
/** At most this many engagement events per customer and phase (active, lapsed). */
const MAX_EVENTS_PER_PHASE = 60;
/** Events per week after a customer dropped out: the odd newsletter open or return visit. */
const LAPSED_EVENTS_PER_WEEK = 0.03;
/** Prospects browse for a few weeks after signing up (mean), at this fraction of their persona's rate. */
const PROSPECT_ACTIVE_WEEKS = 6;
const PROSPECT_RATE_FACTOR = 0.5;
/** Probability that a web or app purchase in the window comes with the visit that led to it. */
const VISIT_BEFORE_PURCHASE = 0.7;
/** Engagement varies between customers of one persona: a Gamma(2, 2) multiplier, mean 1. */
const ENGAGEMENT_SHAPE = 2;

const TYPE_BYTES = EVENT_TYPES.map(encode);
const VISIT = EVENT_TYPES.indexOf('visit');
const EMAIL_OPEN = EVENT_TYPES.indexOf('email_open');
const EMAIL_CLICK = EVENT_TYPES.indexOf('email_click');
const STORE = ORDER_CHANNELS.indexOf('store');
const C = encode('C');
/** Events are sorted per customer on `second * TYPE_SLOTS + type`. */
const TYPE_SLOTS = 8;

/**
 * Writes engagement events around each customer's active life: while active, a Poisson number of
 * events at the persona's weekly rate (times a per-customer multiplier); after dropping out, a
 * trickle of e-mail opens and visits; and the visit before each web/app purchase. E-mail events
 * only go to customers who consented. Only the last {@link EVENT_WINDOW_DAYS} days are written.
 */
export class EngagementEvents {
  private keys = new Float64Array(512);
  private n = 0;

  constructor(
    private readonly sink: CsvSink,
    private readonly ids: IdFormat,
    private readonly endSeconds: number,
  ) {}

  /** Rows written. */
  get rows(): number {
    return this.sink.rows;
  }

  /** Simulates and writes the events of one customer (history is empty for a prospect). */
  simulate(
    rng: Rng,
    persona: Persona,
    customer: number,
    signup: number,
    prospect: boolean,
    consent: Consent,
    history: PurchaseHistory,
  ): void {
    const windowStart = Math.max(signup, this.endSeconds - EVENT_WINDOW_DAYS * SECONDS_PER_DAY);
    if (windowStart >= this.endSeconds) return;
    this.n = 0;
    const pr = persona.profile;
    const engagement = rng.gamma(ENGAGEMENT_SHAPE, ENGAGEMENT_SHAPE);
    const emails = consent === Consent.Yes;
    const activeUntil = Math.min(
      this.endSeconds,
      prospect ? signup + rng.exponential(1 / PROSPECT_ACTIVE_WEEKS) * SECONDS_PER_WEEK : history.dropoutAt,
    );
    const rate = pr.eventsPerWeek * engagement * (prospect ? PROSPECT_RATE_FACTOR : 1);

    if (activeUntil > windowStart) {
      const span = activeUntil - windowStart;
      const count = Math.min(MAX_EVENTS_PER_PHASE, rng.poisson((rate * span) / SECONDS_PER_WEEK));
      for (let i = 0; i < count; i++) {
        let type = rng.pick(pr.eventWeights);
        if (!emails && (type === EMAIL_OPEN || type === EMAIL_CLICK)) type = VISIT;
        this.add(windowStart + rng.uniform() * span, type);
      }
    }
    const lapsedFrom = Math.max(windowStart, activeUntil);
    if (lapsedFrom < this.endSeconds) {
      const span = this.endSeconds - lapsedFrom;
      const mean = (LAPSED_EVENTS_PER_WEEK * engagement * span) / SECONDS_PER_WEEK;
      const count = Math.min(MAX_EVENTS_PER_PHASE, rng.poisson(mean));
      for (let i = 0; i < count; i++) {
        this.add(lapsedFrom + rng.uniform() * span, emails && rng.uniform() < 0.7 ? EMAIL_OPEN : VISIT);
      }
    }
    for (let i = 0; i < history.count; i++) {
      const t = history.times[i]!;
      if (t < windowStart || history.channels[i] === STORE) continue;
      if (rng.uniform() < VISIT_BEFORE_PURCHASE)
        this.add(Math.max(signup, t - 120 - rng.uniform() * 2700), VISIT);
    }
    this.write(customer);
  }

  private add(t: number, type: number): void {
    if (this.n === this.keys.length) {
      const keys = new Float64Array(this.n * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.keys[this.n++] = Math.floor(t) * TYPE_SLOTS + type;
  }

  private write(customer: number): void {
    if (this.n === 0) return;
    const keys = this.keys.subarray(0, this.n).sort();
    const s = this.sink;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const seconds = Math.floor(key / TYPE_SLOTS);
      s.text(C).padded(customer, this.ids.customerWidth).comma();
      s.timestamp(seconds).comma();
      s.text(TYPE_BYTES[key - seconds * TYPE_SLOTS]!);
      s.end();
    }
  }
}
