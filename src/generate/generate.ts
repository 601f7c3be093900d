import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Problem, UserError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { CanonicalTableName } from '../model/canonical.js';
import { AcquisitionCalendar } from './acquisition.js';
import { OrdersCalibration } from './calibrate.js';
import { SECONDS_PER_DAY, formatDate, parseDate } from './calendar.js';
import { CsvSink } from './csv-sink.js';
import { CUSTOMER_COLUMNS, CustomerRow } from './customer-row.js';
import { EVENT_COLUMNS, EngagementEvents } from './engagement-events.js';
import { FEEDBACK_COLUMNS, FeedbackSurvey } from './feedback-survey.js';
import { MarketingSpend, SPEND_COLUMNS } from './marketing-spend.js';
import { ORDER_ITEM_COLUMNS, ORDER_ITEMS_WINDOW_DAYS, OrderLines } from './order-lines.js';
import { ORDER_COLUMNS, OrderProcess, type IdFormat } from './order-process.js';
import { copyCsvToParquet, type ParquetJob } from './parquet-copy.js';
import { DEFAULT_PERSONAS, type PersonaSpec, resolvePersonas } from './personas.js';
import { PurchaseHistory } from './purchase-history.js';
import { truthChannelCac, truthPersonas, writeTruth } from './truth.js';

/** Options of {@link generate}; all but `out` have defaults. */
export interface GenerateOptions {
  /** Directory to write into (created if missing). */
  out: string;
  /** Number of customers (default 20 000). */
  customers?: number;
  /** Seed of the random number generator (default 42): same options, byte-identical files. */
  seed?: number;
  /** File format (default csv). */
  format?: 'csv' | 'parquet';
  /** First sign-up day, `YYYY-MM-DD` (default 2023-01-01). */
  start?: string;
  /** Last day of data, inclusive, `YYYY-MM-DD` (default 2026-06-30): nothing happens after it. */
  end?: string;
  /**
   * Target mean of completed orders per customer over [start, end]. Every persona's purchase rate
   * is multiplied, and its dropout probability divided, by one intensity factor k (α / k, b × k:
   * same lifetimes in weeks, k times the orders), calibrated on the BG/NBD expectation.
   */
  ordersPerCustomer?: number;
  /** Personas to draw customers from (default {@link DEFAULT_PERSONAS}). */
  personas?: PersonaSpec[];
  /** Share of customers who sign up but never order (default 0.03). */
  prospectShare?: number;
  /** Write engagement events (default true). */
  events?: boolean;
  /** Write order lines for the completed orders of the last 90 days (default true). */
  orderItems?: boolean;
  /** Called with human-readable progress messages. */
  onProgress?: (msg: string) => void;
}

/** What {@link generate} wrote. */
export interface GenerateResult {
  /** Absolute output directory. */
  out: string;
  /** Canonical table → absolute path of its file (plus `truth` → truth.json). */
  files: Record<string, string>;
  customers: number;
  /** Rows of the orders file (completed, cancelled and refunded). */
  orders: number;
}

/** Independent random streams, so that turning one table off leaves the others byte-identical. */
const STREAM = { customers: 1, orders: 2, events: 3, feedback: 4, spend: 5, pilot: 6, items: 7 } as const;
const CURRENCY = 'GBP';
const PROGRESS_EVERY = 100_000;

/**
 * Generates a realistic, reproducible customer data set — customers, orders, engagement events,
 * marketing spend and NPS/CSAT feedback — in the canonical columns, so `segtrack ingest` reads it
 * without mappings; plus `truth.json` with the true persona of every customer and the true model
 * parameters.
 *
 * Customers come from latent personas; each buys according to the BG/NBD model with gamma-gamma
 * spend (see {@link OrderProcess}). Everything is streamed customer by customer into buffered
 * files, so memory stays flat; a million customers take well under a minute.
 *
 * @example
 * const { files } = await generate({ out: 'data', customers: 5000, seed: 7 });
 * // files.orders === '/abs/path/data/orders.csv'
 * @throws UserError for invalid options.
 */
export async function generate(opts: GenerateOptions): Promise<GenerateResult> {
  const o = checkOptions(opts);
  const progress = opts.onProgress ?? (() => {});
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const calendar = new AcquisitionCalendar(o.startDay, o.endDay);

  const specs = opts.personas ?? DEFAULT_PERSONAS;
  let personas = resolvePersonas(specs);
  const calibration = new OrdersCalibration(personas, calendar, o.prospectShare, o.seed, STREAM.pilot);
  let intensity = 1;
  if (opts.ordersPerCustomer !== undefined) {
    intensity = calibration.intensityFor(opts.ordersPerCustomer);
    personas = resolvePersonas(specs, intensity);
    progress(
      `calibrated purchase intensity × ${intensity.toPrecision(4)} for ${opts.ordersPerCustomer} orders per customer`,
    );
  }
  const expectedOrders = calibration.meanOrders(intensity);
  const ids: IdFormat = {
    customerWidth: Math.max(7, String(o.customers).length),
    // Room for twice the expected rows, so ids keep their width (and sort) in practice.
    orderWidth: Math.max(8, String(Math.ceil(o.customers * expectedOrders * 2)).length),
  };

  const parquet = o.format === 'parquet';
  const dir = parquet ? join(out, `.generate-${process.pid}`) : out;
  if (parquet) mkdirSync(dir, { recursive: true });
  const csvPath = (t: string) => join(dir, `${t}.csv`);
  const sinks: CsvSink[] = [];
  const sink = (table: string, columns: readonly string[]) => {
    const s = new CsvSink(csvPath(table), columns);
    sinks.push(s);
    return s;
  };
  try {
    const customerSink = sink('customers', CUSTOMER_COLUMNS);
    const orderSink = sink('orders', ORDER_COLUMNS);
    const lineSink = o.orderItems ? sink('order_items', ORDER_ITEM_COLUMNS) : undefined;
    const eventSink = o.events ? sink('events', EVENT_COLUMNS) : undefined;
    const feedbackSink = sink('feedback', FEEDBACK_COLUMNS);
    const customerRow = new CustomerRow(customerSink, ids);
    const lines =
      lineSink &&
      new OrderLines(
        lineSink,
        ids,
        calendar.endSeconds - ORDER_ITEMS_WINDOW_DAYS * SECONDS_PER_DAY,
        new Rng(o.seed, STREAM.items),
      );
    const orders = new OrderProcess(orderSink, ids, calendar.endSeconds, CURRENCY, lines);
    const events = eventSink && new EngagementEvents(eventSink, ids, calendar.endSeconds);
    const feedback = new FeedbackSurvey(feedbackSink, ids, calendar.endSeconds);
    const spend = new MarketingSpend(o.startDay, o.endDay);
    const rng = {
      customers: new Rng(o.seed, STREAM.customers),
      orders: new Rng(o.seed, STREAM.orders),
      events: new Rng(o.seed, STREAM.events),
      feedback: new Rng(o.seed, STREAM.feedback),
    };
    const shares = personas.map((p) => p.share);
    const personaOf = new Uint8Array(o.customers);
    const prospect = new Uint8Array(o.customers);
    const history = new PurchaseHistory();

    for (let i = 0; i < o.customers; i++) {
      const number = i + 1;
      const rc = rng.customers;
      const k = rc.pick(shares);
      const persona = personas[k]!;
      personaOf[i] = k;
      const signup = calendar.signup(rc);
      const isProspect = rc.uniform() < o.prospectShare;
      prospect[i] = isProspect ? 1 : 0;
      const firstPurchase = isProspect ? Number.POSITIVE_INFINITY : signup + calendar.firstPurchaseLag(rc);
      customerRow.write(rc, persona, number, signup);
      spend.add(customerRow.channel, signup);
      // firstPurchase = +∞ (a prospect) or past the end leaves the history empty.
      orders.simulate(rng.orders, persona, number, firstPurchase, history);
      events?.simulate(rng.events, persona, number, signup, isProspect, customerRow.consent, history);
      feedback.simulate(rng.feedback, persona, number, history);
      if (number % PROGRESS_EVERY === 0) {
        progress(`generated ${number} of ${o.customers} customers`);
        // Let timers and I/O run (a CLI spinner, a server in the same process) between blocks.
        await new Promise((done) => setImmediate(done));
      }
    }
    for (const s of sinks) s.close();
    spend.write(csvPath('marketing_spend'), new Rng(o.seed, STREAM.spend));
    progress(
      `wrote ${orders.rows} orders${lines ? `, ${lines.rows} order lines` : ''}` +
        `${events ? `, ${events.rows} events` : ''}, ${feedback.rows} survey answers`,
    );

    const all: [CanonicalTableName, readonly string[], boolean][] = [
      ['customers', CUSTOMER_COLUMNS, true],
      ['orders', ORDER_COLUMNS, true],
      ['order_items', ORDER_ITEM_COLUMNS, o.orderItems],
      ['events', EVENT_COLUMNS, o.events],
      ['marketing_spend', SPEND_COLUMNS, true],
      ['feedback', FEEDBACK_COLUMNS, true],
    ];
    const tables = all.filter(([, , written]) => written);
    const files: Record<string, string> = {};
    if (parquet) {
      progress('converting to parquet');
      const jobs: ParquetJob[] = tables.map(([table, columns]) => ({
        table,
        columns,
        csv: csvPath(table),
        parquet: join(out, `${table}.parquet`),
      }));
      await copyCsvToParquet(jobs);
      for (const j of jobs) files[j.table] = j.parquet;
    } else {
      for (const [table] of tables) files[table] = csvPath(table);
    }

    const truthPath = join(out, 'truth.json');
    const customerId = (n: number) => `C${String(n).padStart(ids.customerWidth, '0')}`;
    writeTruth(
      truthPath,
      {
        seed: o.seed,
        start: formatDate(o.startDay),
        end: formatDate(o.endDay),
        time_unit: 'week',
        currency: CURRENCY,
        intensity,
        expected_orders_per_customer: expectedOrders,
        prospect_share: o.prospectShare,
        channel_cac: truthChannelCac(),
        personas: truthPersonas(personas),
      },
      personas,
      personaOf,
      prospect,
      customerId,
    );
    files['truth'] = truthPath;
    return { out, files, customers: o.customers, orders: orders.rows };
  } finally {
    for (const s of sinks) s.close(); // no-op for closed sinks; frees the files after an error
    if (parquet) rmSync(dir, { recursive: true, force: true });
  }
}

interface CheckedOptions {
  customers: number;
  seed: number;
  format: 'csv' | 'parquet';
  startDay: number;
  endDay: number;
  prospectShare: number;
  events: boolean;
  orderItems: boolean;
}

/** Validates the options, collecting every problem into one UserError. */
function checkOptions(opts: GenerateOptions): CheckedOptions {
  const problems: Problem[] = [];
  const bad = (message: string) =>
    problems.push({
      code: 'invalid_option',
      message,
      hint: 'see `segtrack generate --help` for the options and defaults',
    });
  const customers = opts.customers ?? 20_000;
  if (!Number.isInteger(customers) || customers < 1 || customers > 99_999_999)
    bad(`customers must be a whole number from 1 to 99,999,999, got ${customers}`);
  const seed = opts.seed ?? 42;
  if (!Number.isSafeInteger(seed)) bad(`seed must be a whole number, got ${seed}`);
  const format = opts.format ?? 'csv';
  if (format !== 'csv' && format !== 'parquet') bad(`format must be csv or parquet, got ${String(format)}`);
  const startDay = parseDate(opts.start ?? '2023-01-01');
  const endDay = parseDate(opts.end ?? '2026-06-30');
  if (startDay === undefined) bad(`start must be a date YYYY-MM-DD, got ${opts.start}`);
  if (endDay === undefined) bad(`end must be a date YYYY-MM-DD, got ${opts.end}`);
  if (startDay !== undefined && endDay !== undefined && endDay < startDay + 27)
    bad(
      `end (${opts.end ?? '2026-06-30'}) must be at least four weeks after start (${opts.start ?? '2023-01-01'})`,
    );
  const prospectShare = opts.prospectShare ?? 0.03;
  if (!(prospectShare >= 0 && prospectShare < 1))
    bad(`prospectShare must be in [0, 1), got ${prospectShare}`);
  const target = opts.ordersPerCustomer;
  if (target !== undefined && !(target > 0 && Number.isFinite(target)))
    bad(`ordersPerCustomer must be a positive number, got ${target}`);
  if (opts.personas !== undefined && opts.personas.length > 255) bad('at most 255 personas are supported');
  if (problems.length > 0) throw new UserError(problems);
  return {
    customers,
    seed,
    format,
    startDay: startDay!,
    endDay: endDay!,
    prospectShare,
    events: opts.events ?? true,
    orderItems: opts.orderItems ?? true,
  };
}
