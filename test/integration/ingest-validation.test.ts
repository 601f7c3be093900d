/**
 * Row checks: one planted bad row per rejection reason, with the reason code, file, data row
 * number and offending value it is recorded with; and the accounting of every table, grouped
 * sources (order lines → orders) included.
 */
import { basename } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import type { SourceConfig } from '../../src/config/types.js';
import type { Engine } from '../../src/engine/engine.js';
import { ingest, type IngestResult } from '../../src/ingest/ingest.js';
import type { CanonicalTableName } from '../../src/model/canonical.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { configOf, expectAccounting } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

/** The moment of ingestion for the future-date check. */
const NOW = new Date('2024-06-30T12:00:00Z');

let tmp: TempDir;
let engine: Engine | undefined;
let files = 0;

beforeAll(() => {
  tmp = makeTempDir('segtrack-validation-');
});
afterAll(() => tmp.remove());
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

/** Writes `csv` to a new file and ingests it as `table` into a fresh in-memory workspace. */
async function load(
  table: CanonicalTableName,
  csv: string,
  source: Omit<SourceConfig, 'files'> = {},
): Promise<{ result: IngestResult; file: string }> {
  files += 1;
  const file = tmp.write(`${table}-${files}.csv`, csv);
  engine = await openWorkspace(':memory:');
  const result = await ingest(engine, configOf({ [table]: { files: [file], ...source } }, tmp.dir), {
    now: NOW,
  });
  expectAccounting(result);
  return { result, file };
}

interface Rejected {
  file: string;
  row: number;
  reason: string;
  column: string | null;
  value: string | null;
}

async function rejected(table: string): Promise<Rejected[]> {
  const rows = await engine!.query<{
    file: string;
    row: number;
    reason: string;
    column: string | null;
    value: string | null;
  }>(
    `SELECT file, row_number AS row, reason, column_name AS column, value FROM rejected_rows WHERE table_name = $1 ORDER BY file, row_number`,
    [table],
  );
  return rows.map((r) => ({ ...r, file: basename(r.file), row: Number(r.row) }));
}

async function column(sql: string): Promise<unknown[]> {
  const rows = await engine!.query(sql);
  return rows.map((r) => Object.values(r)[0]);
}

const ORDERS = 'order_id,customer_id,ordered_at,revenue,status\n';

describe('ingest rejects each kind of bad row with its reason, row and value', () => {
  it('missing_required: an order without a customer', async () => {
    const { result, file } = await load(
      'orders',
      ORDERS +
        'o1,c1,2024-01-05 10:00:00,10,completed\no2,,2024-01-06 10:00:00,20,completed\no3,c3,2024-01-07 10:00:00,30,completed\n',
    );
    expect(result.tables['orders']).toMatchObject({ source_rows: 3, rejected: 1, accepted: 2, loaded: 2 });
    expect(await rejected('orders')).toEqual([
      { file: basename(file), row: 2, reason: 'missing_required', column: 'customer_id', value: null },
    ]);
    expect(result.rejections).toEqual([
      {
        table: 'orders',
        reason: 'missing_required',
        count: 1,
        examples: [{ file: basename(file), row: 2, column: 'customer_id', value: null }],
      },
    ]);
  });

  it('unparseable_number: a revenue that is not a number', async () => {
    const { result, file } = await load(
      'orders',
      ORDERS +
        'o1,c1,2024-01-05 10:00:00,10,completed\no2,c2,2024-01-06 10:00:00,12.5,completed\no3,c3,2024-01-07 10:00:00,£30,completed\n',
    );
    expect(result.tables['orders']).toMatchObject({ source_rows: 3, rejected: 1, accepted: 2 });
    expect(await rejected('orders')).toEqual([
      { file: basename(file), row: 3, reason: 'unparseable_number', column: 'revenue', value: '£30' },
    ]);
  });

  it('unparseable_date: an order date that is not a date', async () => {
    const { result, file } = await load(
      'orders',
      ORDERS +
        'o1,c1,2024-01-05 10:00:00,10,completed\no2,c2,last tuesday,20,completed\no3,c3,2024-01-07,30,completed\n',
    );
    expect(result.tables['orders']).toMatchObject({ source_rows: 3, rejected: 1, accepted: 2 });
    expect(await rejected('orders')).toEqual([
      {
        file: basename(file),
        row: 2,
        reason: 'unparseable_date',
        column: 'ordered_at',
        value: 'last tuesday',
      },
    ]);
    expect(await column(`SELECT CAST(ordered_at AS VARCHAR) FROM orders ORDER BY order_id`)).toEqual([
      '2024-01-05 10:00:00',
      '2024-01-07 00:00:00',
    ]);
  });

  it('duplicate_key: the first row with an order id wins, later ones are rejected', async () => {
    const { result, file } = await load(
      'orders',
      ORDERS +
        'o1,c1,2024-01-05 10:00:00,10,completed\no2,c2,2024-01-06 10:00:00,20,completed\no1,c9,2024-01-07 10:00:00,99,completed\no1,c8,2024-01-08 10:00:00,98,completed\n',
    );
    expect(result.tables['orders']).toMatchObject({ source_rows: 4, rejected: 2, accepted: 2, loaded: 2 });
    expect(await rejected('orders')).toEqual([
      { file: basename(file), row: 3, reason: 'duplicate_key', column: 'order_id', value: 'o1' },
      { file: basename(file), row: 4, reason: 'duplicate_key', column: 'order_id', value: 'o1' },
    ]);
    expect(await engine!.query(`SELECT customer_id, revenue FROM orders WHERE order_id = 'o1'`)).toEqual([
      { customer_id: 'c1', revenue: 10 },
    ]);
  });

  it('a row rejected for another reason does not make a later row with its key a duplicate', async () => {
    const { result } = await load(
      'orders',
      ORDERS + 'o1,c1,2024-01-05 10:00:00,oops,completed\no1,c1,2024-01-05 10:00:00,10,completed\n',
    );
    expect(result.tables['orders']).toMatchObject({ rejected: 1, accepted: 1 });
    expect((await rejected('orders')).map((r) => [r.row, r.reason])).toEqual([[1, 'unparseable_number']]);
  });

  it('negative_revenue: only on a completed sale; cancelled negatives and zero-value orders are accepted', async () => {
    const { result, file } = await load(
      'orders',
      ORDERS +
        'o1,c1,2024-01-05 10:00:00,-5,completed\no2,c2,2024-01-06 10:00:00,-5,cancelled\no3,c3,2024-01-07 10:00:00,0,completed\no4,c4,2024-01-08 10:00:00,-0.01,\n',
    );
    expect(result.tables['orders']).toMatchObject({ source_rows: 4, rejected: 2, accepted: 2, loaded: 2 });
    // A missing status means completed. The value is compared as a number: a clean file is read
    // with typed columns, so it may come back as `-5.0` for the `-5` written.
    expect((await rejected('orders')).map((r) => ({ ...r, value: Number(r.value) }))).toEqual([
      { file: basename(file), row: 1, reason: 'negative_revenue', column: 'revenue', value: -5 },
      { file: basename(file), row: 4, reason: 'negative_revenue', column: 'revenue', value: -0.01 },
    ]);
    expect(await engine!.query(`SELECT order_id, revenue, status FROM orders ORDER BY order_id`)).toEqual([
      { order_id: 'o2', revenue: -5, status: 'cancelled' },
      { order_id: 'o3', revenue: 0, status: 'completed' },
    ]);
  });

  it('future_date: an order dated after the moment of ingestion (a day of slack for time zones)', async () => {
    const { result, file } = await load(
      'orders',
      ORDERS +
        'o1,c1,2024-06-30 11:00:00,10,completed\no2,c2,2024-07-05 09:00:00,20,completed\no3,c3,2024-07-01 06:00:00,30,completed\n',
    );
    expect(result.tables['orders']).toMatchObject({ source_rows: 3, rejected: 1, accepted: 2 });
    expect(await rejected('orders')).toEqual([
      {
        file: basename(file),
        row: 2,
        reason: 'future_date',
        column: 'ordered_at',
        value: '2024-07-05 09:00:00',
      },
    ]);
  });

  it('score_out_of_range: an NPS of 11 and a CSAT of 0 (NPS 0–10 and CSAT 1–5 are accepted)', async () => {
    const { result, file } = await load(
      'feedback',
      'customer_id,responded_at,nps_score,csat_score\n' +
        'c1,2024-05-01 10:00:00,10,5\nc2,2024-05-02 10:00:00,11,4\nc3,2024-05-03 10:00:00,0,1\nc4,2024-05-04 10:00:00,7,0\nc5,2024-05-05 10:00:00,,3\n',
    );
    expect(result.tables['feedback']).toMatchObject({ source_rows: 5, rejected: 2, accepted: 3, loaded: 3 });
    expect(await rejected('feedback')).toEqual([
      { file: basename(file), row: 2, reason: 'score_out_of_range', column: 'nps_score', value: '11' },
      { file: basename(file), row: 4, reason: 'score_out_of_range', column: 'csat_score', value: '0' },
    ]);
    expect(result.rejections).toEqual([
      expect.objectContaining({ table: 'feedback', reason: 'score_out_of_range', count: 2 }),
    ]);
  });

  it('invalid_status: a status that is not completed, cancelled or refunded (or a synonym)', async () => {
    const { result, file } = await load(
      'orders',
      ORDERS +
        'o1,c1,2024-01-05 10:00:00,10,Shipped\no2,c2,2024-01-06 10:00:00,20,lost in post\no3,c3,2024-01-07 10:00:00,30,\no4,c4,2024-01-08 10:00:00,40,REFUNDED\n',
    );
    expect(result.tables['orders']).toMatchObject({ source_rows: 4, rejected: 1, accepted: 3 });
    expect(await rejected('orders')).toEqual([
      { file: basename(file), row: 2, reason: 'invalid_status', column: 'status', value: 'lost in post' },
    ]);
    expect(await column(`SELECT status FROM orders ORDER BY order_id`)).toEqual([
      'completed',
      'completed',
      'refunded',
    ]);
  });

  it('reports the first failing check of a row with several problems', async () => {
    const { result } = await load('orders', ORDERS + 'o1,,not a date,-5,bogus\n');
    expect(result.tables['orders']).toMatchObject({ source_rows: 1, rejected: 1, accepted: 0 });
    expect((await rejected('orders')).map((r) => r.reason)).toEqual(['missing_required']);
  });
});

describe('typing a column used in arithmetic', () => {
  const LINES =
    'order_id,customer_id,ordered_at,qty,price\no1,c1,2024-01-05,2,1.5\no2,c2,2024-01-06,two,1.5\no3,c3,2024-01-07,1,4\n';

  it('fails with a hint to force the type when a small column is not all numbers', async () => {
    const error = await load('orders', LINES, { columns: { revenue: 'qty * price' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    const problem = (error as UserError).problems[0];
    expect(problem?.code).toBe('invalid_expression');
    expect(problem?.message).toContain('sources.orders.columns.revenue');
    expect(problem?.hint).toContain('options: {types:');
    // Nothing was written.
    expect(await column(`SELECT count(*) FROM orders`)).toEqual([0]);
    expect(await column(`SELECT count(*) FROM ingest_runs`)).toEqual([0]);
  });

  it('rejects the row that does not fit once the type is forced', async () => {
    const { result, file } = await load('orders', LINES, {
      columns: { revenue: 'qty * price' },
      options: { types: { qty: 'integer' } },
    });
    expect(result.tables['orders']).toMatchObject({ source_rows: 3, rejected: 1, accepted: 2 });
    expect(await rejected('orders')).toEqual([
      { file: basename(file), row: 2, reason: 'unparseable_number', column: 'qty', value: 'two' },
    ]);
    expect(await column(`SELECT revenue FROM orders ORDER BY order_id`)).toEqual([3, 4]);
  });
});

describe('accounting: source_rows = excluded + rejected + accepted', () => {
  /**
   * Order lines: 1002 has no customer (excluded by the filter); 1003 has a line whose quantity
   * does not read, so the whole order is rejected; 1004 nets to a negative completed sale; C1005
   * is a cancellation (negative, accepted); 1006 is worth nothing (accepted).
   */
  const LINES =
    'InvoiceNo,StockCode,Quantity,UnitPrice,InvoiceDate,CustomerID\n' +
    '1001,A,2,1.50,2024-01-05 10:00:00,c1\n' +
    '1001,B,1,3.00,2024-01-05 10:00:00,c1\n' +
    '1002,A,1,1.50,2024-01-06 10:00:00,\n' +
    '1003,A,x,1.50,2024-01-07 10:00:00,c2\n' +
    '1003,B,1,2.00,2024-01-07 10:00:00,c2\n' +
    '1003,C,4,0.50,2024-01-07 10:00:00,c2\n' +
    '1004,A,1,1.50,2024-01-08 10:00:00,c3\n' +
    '1004,B,-3,1.50,2024-01-08 10:00:00,c3\n' +
    'C1005,A,-1,1.50,2024-01-09 10:00:00,c1\n' +
    '1006,A,0,1.50,2024-01-10 10:00:00,c4\n';
  const GROUPED: Omit<SourceConfig, 'files'> = {
    options: { types: { Quantity: 'integer' } },
    filter: 'CustomerID IS NOT NULL',
    group_by: ['InvoiceNo'],
    columns: {
      order_id: 'InvoiceNo',
      customer_id: 'CustomerID',
      ordered_at: 'min(InvoiceDate)',
      revenue: 'sum(Quantity * UnitPrice)',
      items: 'sum(Quantity)',
      status: "CASE WHEN InvoiceNo LIKE 'C%' THEN 'cancelled' ELSE 'completed' END",
    },
  };

  it('counts lines, not orders, and rejects every line of an order with a bad line', async () => {
    const { result, file } = await load('orders', LINES, GROUPED);
    expect(result.tables['orders']).toMatchObject({
      source_rows: 10,
      excluded: 1,
      rejected: 5,
      accepted: 4,
      loaded: 3,
    });
    const f = basename(file);
    expect(await rejected('orders')).toEqual([
      { file: f, row: 4, reason: 'unparseable_number', column: 'Quantity', value: 'x' },
      { file: f, row: 5, reason: 'rejected_line_in_group', column: 'Quantity', value: 'x' },
      { file: f, row: 6, reason: 'rejected_line_in_group', column: 'Quantity', value: 'x' },
      { file: f, row: 7, reason: 'negative_revenue', column: 'revenue', value: '-3.0' },
      { file: f, row: 8, reason: 'negative_revenue', column: 'revenue', value: '-3.0' },
    ]);
    expect(
      await engine!.query(
        `SELECT order_id, customer_id, revenue, items, status FROM orders ORDER BY order_id`,
      ),
    ).toEqual([
      { order_id: '1001', customer_id: 'c1', revenue: 6, items: 2 + 1, status: 'completed' },
      { order_id: '1006', customer_id: 'c4', revenue: 0, items: 0, status: 'completed' },
      { order_id: 'C1005', customer_id: 'c1', revenue: -1.5, items: -1, status: 'cancelled' },
    ]);
    const counts = await engine!.query(
      `SELECT reason, count(*) AS n FROM rejected_rows GROUP BY reason ORDER BY reason`,
    );
    expect(counts).toEqual([
      { reason: 'negative_revenue', n: 2 },
      { reason: 'rejected_line_in_group', n: 2 },
      { reason: 'unparseable_number', n: 1 },
    ]);
  });

  it('records the accounting of every run and table in ingest_runs', async () => {
    const { result } = await load('orders', LINES, GROUPED);
    const runs = await engine!.query(
      `SELECT table_name, source_rows, excluded, rejected, accepted, loaded FROM ingest_runs ORDER BY table_name`,
    );
    expect(runs).toEqual([{ table_name: 'orders', ...pick(result.tables['orders']!) }]);
  });

  it('holds for several tables at once, with the customers orders refer to created', async () => {
    files += 1;
    const customers = tmp.write(
      `customers-${files}.csv`,
      'customer_id,country,created_at\nc1,GB,2023-01-01\nc1,FR,2023-02-01\n,DE,2023-03-01\n',
    );
    const orders = tmp.write(`orders-${files}.csv`, LINES);
    const events = tmp.write(
      `events-${files}.csv`,
      'customer_id,occurred_at,event_type\nc1,2024-01-01 10:00:00,visit\nc2,2099-01-01 00:00:00,visit\nc3,2024-01-02 10:00:00,\n',
    );
    engine = await openWorkspace(':memory:');
    const result = await ingest(
      engine,
      configOf(
        {
          customers: { files: [customers] },
          orders: { files: [orders], ...GROUPED },
          events: { files: [events] },
        },
        tmp.dir,
      ),
      { now: NOW },
    );
    expectAccounting(result);
    expect(result.tables['customers']).toMatchObject({ source_rows: 3, rejected: 2, accepted: 1, loaded: 1 });
    expect(result.tables['events']).toMatchObject({ source_rows: 3, rejected: 2, accepted: 1, loaded: 1 });
    expect(result.tables['orders']).toMatchObject({
      source_rows: 10,
      excluded: 1,
      rejected: 5,
      accepted: 4,
      loaded: 3,
    });
    // c4 is only known from an order.
    expect(result.customers_created).toBe(1);
    expect(result.rejections.map((j) => [j.table, j.reason, j.count])).toEqual([
      ['customers', 'duplicate_key', 1],
      ['customers', 'missing_required', 1],
      ['events', 'future_date', 1],
      ['events', 'missing_required', 1],
      ['orders', 'negative_revenue', 2],
      ['orders', 'rejected_line_in_group', 2],
      ['orders', 'unparseable_number', 1],
    ]);
  });
});

function pick(c: {
  source_rows: number;
  excluded: number;
  rejected: number;
  accepted: number;
  loaded: number;
}) {
  return {
    source_rows: c.source_rows,
    excluded: c.excluded,
    rejected: c.rejected,
    accepted: c.accepted,
    loaded: c.loaded,
  };
}
