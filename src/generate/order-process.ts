import type { Rng } from '../core/rng.js';
import { SECONDS_PER_DAY, SECONDS_PER_WEEK } from './calendar.js';
import { type CsvSink, encode } from './csv-sink.js';
import { ORDER_CHANNELS, type Persona } from './personas.js';
import type { OrderLines } from './order-lines.js';
import type { PurchaseHistory } from './purchase-history.js';

/** Columns of orders.csv: canonical names (src/model/canonical.ts), so ingestion needs no mapping. */
export const ORDER_COLUMNS = [
  'order_id',
  'customer_id',
  'ordered_at',
  'revenue',
  'cost',
  'currency',
  'items',
  'status',
  'channel',
] as const;

/** Per purchase: probability of an extra cancelled order, and of an extra refunded one. */
const CANCELLED_RATE = 0.02;
const REFUNDED_RATE = 0.01;
/** Per purchase: probability that it is a free sample (revenue 0). */
const FREE_SAMPLE_RATE = 0.0005;
/** Probability that an order goes through the customer's usual channel rather than a random one. */
const USUAL_CHANNEL_SHARE = 0.75;

const COMPLETED = encode('completed');
const CANCELLED = encode('cancelled');
const REFUNDED = encode('refunded');
const CHANNEL_BYTES = ORDER_CHANNELS.map(encode);

/** Ids: `C` + zero-padded customer number, `O` + zero-padded order number (they sort as numbers). */
export interface IdFormat {
  customerWidth: number;
  orderWidth: number;
}

/**
 * Simulates each customer's orders and writes them to orders.csv.
 *
 * Purchases follow the BG/NBD model of Fader, Hardie & Lee (2005), "'Counting your customers' the
 * easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275–284, §3:
 * (i) while active, purchases form a Poisson process with rate λ (exponential inter-purchase
 * times); (ii) λ ~ Gamma(r, α) across customers; (iii) after any *repeat* transaction the
 * customer becomes inactive with probability p — the clock starts at the first purchase and the
 * customer is alive right after it, which is what the likelihood, eq. (3), assumes (x = 0 has
 * probability 1 of being alive); (iv) p ~ Beta(a, b); (v) λ and p are independent.
 *
 * Order values follow the gamma-gamma model (Fader, Hardie & Lee 2005, "RFM and CLV: using
 * iso-value curves for customer base analysis", JMR 42(4), 415–430, appendix; Fader & Hardie
 * 2013, "The Gamma-Gamma Model of Monetary Value"): z ~ Gamma(p, ν) per order, ν ~ Gamma(q, γ)
 * per customer, independent of the purchase process.
 *
 * Cancelled and refunded orders are extra rows next to purchases, outside the process, so the
 * completed orders are exactly the model's transactions.
 */
export class OrderProcess {
  private nextOrder = 1;
  private readonly currency: Uint8Array;

  constructor(
    private readonly sink: CsvSink,
    private readonly ids: IdFormat,
    private readonly endSeconds: number,
    currency: string,
    /** Writes the lines of completed orders, when order lines are wanted. */
    private readonly lines?: OrderLines,
  ) {
    this.currency = encode(currency);
  }

  /** Rows written (all statuses). */
  get rows(): number {
    return this.sink.rows;
  }

  /**
   * Simulates one customer from their first purchase (at `firstPurchase`, seconds) to the end of
   * the simulation, writing the orders and recording the purchases in `history`.
   */
  simulate(
    rng: Rng,
    persona: Persona,
    customer: number,
    firstPurchase: number,
    history: PurchaseHistory,
  ): void {
    history.reset();
    if (firstPurchase >= this.endSeconds) return;
    const { r, alpha, a, b, p, q, gamma } = persona.params;
    const lambda = rng.gamma(r, alpha); // purchases per week
    const dropout = rng.beta(a, b);
    const nu = rng.gamma(q, gamma);
    const usual = rng.pick(persona.profile.orderChannelWeights);

    let t = firstPurchase;
    this.purchase(rng, persona, customer, t, p, nu, usual, history);
    for (;;) {
      t += rng.exponential(lambda) * SECONDS_PER_WEEK;
      if (t >= this.endSeconds) break;
      this.purchase(rng, persona, customer, t, p, nu, usual, history);
      if (rng.uniform() < dropout) {
        history.dropoutAt = t;
        break;
      }
    }
  }

  private purchase(
    rng: Rng,
    persona: Persona,
    customer: number,
    t: number,
    shape: number,
    nu: number,
    usual: number,
    history: PurchaseHistory,
  ): void {
    const channel =
      rng.uniform() < USUAL_CHANNEL_SHARE ? usual : rng.pick(persona.profile.orderChannelWeights);
    const free = rng.uniform() < FREE_SAMPLE_RATE;
    this.row(rng, persona, customer, t, free ? 0 : this.value(rng, shape, nu), COMPLETED, channel);
    history.push(t, channel);
    // Extra orders outside the process: a cancelled or refunded order shortly after.
    if (rng.uniform() < CANCELLED_RATE) this.extra(rng, persona, customer, t, shape, nu, CANCELLED, channel);
    if (rng.uniform() < REFUNDED_RATE) this.extra(rng, persona, customer, t, shape, nu, REFUNDED, channel);
  }

  private extra(
    rng: Rng,
    persona: Persona,
    customer: number,
    t: number,
    shape: number,
    nu: number,
    status: Uint8Array,
    channel: number,
  ): void {
    const at = t + 600 + rng.uniform() * 3 * SECONDS_PER_DAY;
    if (at >= this.endSeconds) return;
    this.row(rng, persona, customer, at, this.value(rng, shape, nu), status, channel);
  }

  /** An order value in cents: z ~ Gamma(p, ν), at least one penny so that only free samples are 0. */
  private value(rng: Rng, shape: number, nu: number): number {
    return Math.max(1, Math.round(rng.gamma(shape, nu) * 100));
  }

  private row(
    rng: Rng,
    persona: Persona,
    customer: number,
    t: number,
    cents: number,
    status: Uint8Array,
    channel: number,
  ): void {
    const { costRatioMin, costRatioMax, itemPrice } = persona.profile;
    // A free sample still costs something to send out.
    const cost =
      cents === 0
        ? 150 + rng.int(300)
        : Math.round(cents * (costRatioMin + (costRatioMax - costRatioMin) * rng.uniform()));
    const items = cents === 0 ? 1 : 1 + rng.poisson(Math.max(0, cents / 100 / itemPrice - 1));
    const order = this.nextOrder++;
    const s = this.sink;
    s.text(O).padded(order, this.ids.orderWidth).comma();
    s.text(C).padded(customer, this.ids.customerWidth).comma();
    s.timestamp(Math.floor(t)).comma();
    s.cents(cents).comma();
    s.cents(cost).comma();
    s.text(this.currency).comma();
    s.int(items).comma();
    s.text(status).comma();
    s.text(CHANNEL_BYTES[channel]!);
    s.end();
    if (status === COMPLETED) this.lines?.write(persona, order, t, cents, items);
  }
}

const O = encode('O');
const C = encode('C');
