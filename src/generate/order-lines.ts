import type { Rng } from '../core/rng.js';
import { type CsvSink, encode } from './csv-sink.js';
import type { IdFormat } from './order-process.js';
import { CATEGORIES, type Persona } from './personas.js';

/** Columns of order_items.csv: canonical names (src/model/canonical.ts). */
export const ORDER_ITEM_COLUMNS = ['order_id', 'product_id', 'category', 'quantity', 'price'] as const;

/** Lines are written for completed orders of the last this many days only, to keep volumes moderate. */
export const ORDER_ITEMS_WINDOW_DAYS = 90;
/** Products per category; popularity is skewed (index = ⌊n·u²⌋), as in most catalogues. */
const PRODUCTS_PER_CATEGORY = 400;

const CATEGORY_BYTES = CATEGORIES.map(encode);
const O = encode('O');
const P = encode('P');

/**
 * Splits completed orders into lines (product, category, quantity, unit price) whose
 * quantities add up to the order's items and whose quantity × price add up to its revenue (to the
 * rounding of the last line's unit price). Uses its own random stream, so switching order lines on
 * or off leaves every other file unchanged.
 */
export class OrderLines {
  /** Scratch per line: quantity and share of the revenue (grown for very large orders). */
  private quantities = new Int32Array(64);
  private weights = new Float64Array(64);

  constructor(
    private readonly sink: CsvSink,
    private readonly ids: IdFormat,
    /** Orders before this moment (seconds) get no lines. */
    private readonly fromSeconds: number,
    private readonly rng: Rng,
  ) {}

  /** Rows written. */
  get rows(): number {
    return this.sink.rows;
  }

  /** Writes the lines of completed order number `order`, placed at `t`, worth `cents`, with `items` items. */
  write(persona: Persona, order: number, t: number, cents: number, items: number): void {
    if (t < this.fromSeconds) return;
    const rng = this.rng;
    const lines = Math.min(items, 1 + rng.poisson(0.6 * (items - 1)));
    if (lines > this.quantities.length) {
      this.quantities = new Int32Array(lines * 2);
      this.weights = new Float64Array(lines * 2);
    }
    const q = this.quantities;
    const weights = this.weights;
    for (let i = 0; i < lines; i++) q[i] = 1;
    for (let extra = items - lines; extra > 0; extra--) q[rng.int(lines)]! += 1;
    // Each line's share of the revenue: its quantity times a random relative unit price.
    let total = 0;
    for (let i = 0; i < lines; i++) total += weights[i] = q[i]! * rng.gamma(2, 1);
    let left = cents;
    for (let i = 0; i < lines; i++) {
      const qi = q[i]!;
      const price =
        i === lines - 1 ? Math.max(0, Math.round(left / qi)) : Math.round((cents * weights[i]!) / total / qi);
      left -= price * qi;
      const category = rng.pick(persona.profile.categoryWeights);
      const u = rng.uniform();
      const product = category * PRODUCTS_PER_CATEGORY + Math.floor(PRODUCTS_PER_CATEGORY * u * u) + 1;
      const s = this.sink;
      s.text(O).padded(order, this.ids.orderWidth).comma();
      s.text(P).padded(product, 5).comma();
      s.text(CATEGORY_BYTES[category]!).comma();
      s.int(qi).comma();
      s.cents(price);
      s.end();
    }
  }
}
