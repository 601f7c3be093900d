/**
 * The Online Retail example (examples/online-retail), ingested with its own config, checked
 * against an independent reading of the raw file in plain TypeScript (gunzip and the test CSV
 * reader; no DuckDB): order count, revenue total (all statuses and completed only) and customers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { IngestResult } from '../../src/ingest/ingest.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { eachCsvRecord } from '../helpers/csv.js';
import { expectAccounting, jsonOf, runCli, yamlText } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { Sum } from '../helpers/compensated-sum.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/online-retail/', import.meta.url));
const DATA = `${EXAMPLE}data/online_retail.csv.gz`;

interface Reference {
  lines: number;
  linesWithoutCustomer: number;
  invoices: number;
  revenue: number;
  completedInvoices: number;
  completedRevenue: number;
  customers: number;
}

/**
 * Reads the raw file: lines with a CustomerID are the orders' lines; an invoice is an order;
 * invoices numbered C… are cancellations, every other one a completed sale.
 */
function reference(): Reference {
  const text = gunzipSync(readFileSync(DATA)).toString('utf8');
  let header: string[] | undefined;
  let iInvoice = -1;
  let iQuantity = -1;
  let iPrice = -1;
  let iCustomer = -1;
  let lines = 0;
  let without = 0;
  const invoices = new Set<string>();
  const completed = new Set<string>();
  const customers = new Set<string>();
  const revenue = new Sum();
  const completedRevenue = new Sum();
  eachCsvRecord(text, (f) => {
    if (!header) {
      header = f;
      [iInvoice, iQuantity, iPrice, iCustomer] = ['InvoiceNo', 'Quantity', 'UnitPrice', 'CustomerID'].map(
        (c) => f.indexOf(c),
      ) as [number, number, number, number];
      expect(
        Math.min(iInvoice, iQuantity, iPrice, iCustomer),
        `columns of ${f.join(',')}`,
      ).toBeGreaterThanOrEqual(0);
      return;
    }
    lines += 1;
    const customer = (f[iCustomer] ?? '').trim();
    if (customer === '') {
      without += 1;
      return;
    }
    const invoice = f[iInvoice]!;
    const amount = Number(f[iQuantity]) * Number(f[iPrice]);
    if (!Number.isFinite(amount)) throw new Error(`line ${lines}: ${f.join(',')} has no numeric amount`);
    invoices.add(invoice);
    customers.add(customer);
    revenue.add(amount);
    if (!invoice.startsWith('C')) {
      completed.add(invoice);
      completedRevenue.add(amount);
    }
  });
  return {
    lines,
    linesWithoutCustomer: without,
    invoices: invoices.size,
    revenue: revenue.value,
    completedInvoices: completed.size,
    completedRevenue: completedRevenue.value,
    customers: customers.size,
  };
}

let tmp: TempDir;
let result: IngestResult;
let ref: Reference;
let workspace: string;

beforeAll(async () => {
  tmp = makeTempDir('segtrack-online-retail-');
  // The example's config as shipped, with its data path made absolute and a workspace of our own.
  const config = parse(readFileSync(`${EXAMPLE}segtrack.yaml`, 'utf8')) as {
    workspace?: string;
    sources: Record<string, { file: string }>;
  };
  for (const source of Object.values(config.sources)) {
    expect(source.file).toBe('data/online_retail.csv.gz');
    source.file = DATA;
  }
  workspace = tmp.path('segtrack.duckdb');
  config.workspace = workspace;
  const path = tmp.write('segtrack.yaml', yamlText(config));
  result = jsonOf(await runCli(['ingest', '--config', path, '--json']));
  ref = reference();
});
afterAll(() => tmp.remove());

describe('Online Retail example', () => {
  it('accounts for all 541,909 lines, 135,080 of them excluded for having no customer', () => {
    expectAccounting(result);
    expect(ref.lines).toBe(541_909);
    expect(ref.linesWithoutCustomer).toBe(135_080);
    for (const table of ['orders', 'customers']) {
      expect(result.tables[table]).toMatchObject({ source_rows: 541_909, excluded: 135_080, files: 1 });
    }
  });

  it('loads one order per invoice with a customer, with the revenue of its lines', async () => {
    const engine = await openWorkspace(workspace);
    try {
      const [all] = await engine.query<{ n: number; revenue: number }>(
        `SELECT count(*) AS n, sum(revenue) AS revenue FROM orders`,
      );
      const [done] = await engine.query<{ n: number; revenue: number }>(
        `SELECT count(*) AS n, sum(revenue) AS revenue FROM orders WHERE status = 'completed'`,
      );
      const [customers] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM customers`);
      const inputs = JSON.stringify({ reference: ref, tables: result.tables, rejections: result.rejections });
      expect(all?.n, inputs).toBe(ref.invoices);
      expect(result.tables['orders']?.loaded, inputs).toBe(ref.invoices);
      expect(Math.abs(all!.revenue - ref.revenue), `revenue ${all?.revenue} vs ${ref.revenue}`).toBeLessThan(
        0.01,
      );
      expect(done?.n, inputs).toBe(ref.completedInvoices);
      expect(
        Math.abs(done!.revenue - ref.completedRevenue),
        `completed revenue ${done?.revenue} vs ${ref.completedRevenue}`,
      ).toBeLessThan(0.01);
      expect(customers?.n, inputs).toBe(ref.customers);
      expect(result.tables['customers']?.loaded).toBe(ref.customers);
      expect(result.customers_created).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
