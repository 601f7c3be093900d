/**
 * Reloading and appending: the same files give the same tables; `--append` adds only new files'
 * rows, skips files loaded before and rejects orders already loaded as duplicates; customers that
 * orders refer to are created, and replaced by their real record when one arrives.
 */
import { utimesSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { ingest, type IngestResult } from '../../src/ingest/ingest.js';
import type { Config } from '../../src/config/types.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import {
  configOf,
  expectAccounting,
  jsonOf,
  runCli,
  workspaceContents,
  workspaceFileContents,
  yamlText,
} from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const NOW = new Date('2024-06-30T12:00:00Z');
const HEADER = 'order_id,customer_id,ordered_at,revenue,status\n';

let tmp: TempDir;
beforeAll(() => {
  tmp = makeTempDir('segtrack-append-');
});
afterAll(() => tmp.remove());

/** A file whose modification time is fixed, so `--append` sees the same version on every run. */
function writeFixed(name: string, content: string): string {
  const path = tmp.write(name, content);
  const t = new Date('2024-06-01T00:00:00Z');
  utimesSync(path, t, t);
  return path;
}

async function run(engine: Engine, config: Config, append = false): Promise<IngestResult> {
  const result = await ingest(engine, config, { now: NOW, append });
  expectAccounting(result);
  return result;
}

/** A value as text: strings as they are, anything else as JSON (`1`, `null`). */
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The first column of a query's rows, as text. */
async function ids(engine: Engine, sql = `SELECT order_id FROM orders ORDER BY order_id`): Promise<string[]> {
  return (await engine.query(sql)).map((r) => text(Object.values(r)[0]));
}

describe('ingest twice: the same files give the same tables', () => {
  it('leaves identical tables, rejected rows included, after a second full reload', async () => {
    const dir = 'idem';
    const orders = writeFixed(
      `${dir}/orders.csv`,
      HEADER +
        'o1,c1,2024-01-05 10:00:00,10,completed\no2,c2,2024-01-06 10:00:00,oops,completed\n' +
        'o3,c9,2024-01-07 10:00:00,30,completed\no1,c1,2024-01-08 10:00:00,11,completed\no4,c2,2024-01-09 10:00:00,40,completed,x\n',
    );
    const customers = writeFixed(`${dir}/customers.csv`, 'customer_id,country\nc1,GB\nc2,FR\nc2,DE\n');
    const engine = await openWorkspace(':memory:');
    try {
      const config = configOf({ customers: { files: [customers] }, orders: { files: [orders] } }, tmp.dir);
      const first = await run(engine, config);
      const after1 = await workspaceContents(engine, true);
      const second = await run(engine, config);
      const after2 = await workspaceContents(engine, true);
      expect(after2).toEqual(after1);
      expect(second.tables).toEqual(first.tables);
      expect(second.rejections).toEqual(first.rejections);
      expect(second.load_id).toBe(first.load_id + 1);
      // Something to compare: every reason is there, and the placeholder for c9.
      expect(after1['rejected_rows']!.map((r) => [r['table_name'], r['row_number'], r['reason']])).toEqual([
        ['customers', 3, 'duplicate_key'],
        ['orders', 2, 'unparseable_number'],
        ['orders', 4, 'duplicate_key'],
        ['orders', 5, 'malformed_row'],
      ]);
      expect(after1['orders']).toHaveLength(2);
      expect(after1['customers']).toHaveLength(3);
      // Only the latest load's files are remembered after a reload.
      expect(await engine.query(`SELECT DISTINCT load_id FROM loaded_files`)).toEqual([
        { load_id: second.load_id },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('gives the same workspace through the CLI, run twice', async () => {
    const orders = writeFixed(
      'cli/orders.csv',
      HEADER + 'o1,c1,2024-01-05 10:00:00,10,completed\no2,c2,2024-01-06 10:00:00,-1,completed\n',
    );
    const config = tmp.write('cli/segtrack.yaml', yamlText({ sources: { orders: { file: 'orders.csv' } } }));
    const workspace = tmp.path('cli/ws.duckdb');
    const args = ['ingest', '--config', config, '--workspace', workspace, '--json'];
    const first = jsonOf(await runCli(args));
    expectAccounting(first);
    const after1 = await workspaceFileContents(workspace, true);
    const second = jsonOf(await runCli(args));
    expectAccounting(second);
    expect(await workspaceFileContents(workspace, true)).toEqual(after1);
    expect(second.tables).toEqual(first.tables);
    // The relative path in the config is resolved against the config's folder.
    expect(after1['rejected_rows']!.map((r) => [r['file'], r['row_number'], r['reason']])).toEqual([
      [orders, 2, 'negative_revenue'],
    ]);
  });
});

describe('ingest --append', () => {
  it('adds only a new file’s rows, skips files loaded before, and rejects orders already loaded', async () => {
    const dir = 'append';
    writeFixed(
      `${dir}/orders-1.csv`,
      HEADER + 'o1,c1,2024-01-05 10:00:00,10,completed\no2,c2,2024-01-06 10:00:00,20,completed\n',
    );
    const config = configOf({ orders: { files: [tmp.path(`${dir}/orders-*.csv`)] } }, tmp.dir);
    const engine = await openWorkspace(':memory:');
    try {
      const first = await run(engine, config);
      expect(first.tables['orders']).toMatchObject({
        source_rows: 2,
        accepted: 2,
        loaded: 2,
        files: 1,
        skipped_files: 0,
      });

      // A second file arrives.
      writeFixed(
        `${dir}/orders-2.csv`,
        HEADER + 'o3,c3,2024-02-05 10:00:00,30,completed\no4,c1,2024-02-06 10:00:00,40,completed\n',
      );
      const before = await workspaceContents(engine, true);
      const added = await run(engine, config, true);
      expect(added.mode).toBe('append');
      expect(added.tables['orders']).toMatchObject({
        source_rows: 2,
        accepted: 2,
        rejected: 0,
        loaded: 2,
        files: 1,
        skipped_files: 1,
      });
      expect(await ids(engine)).toEqual(['o1', 'o2', 'o3', 'o4']);
      // The rows loaded before are untouched (same values, same load id).
      const now = await workspaceContents(engine, true);
      expect(now['orders']!.filter((r) => ['o1', 'o2'].includes(text(r['order_id'])))).toEqual(
        before['orders'],
      );
      expect(await ids(engine, `SELECT DISTINCT _load_id FROM orders ORDER BY 1`)).toEqual([
        String(first.load_id),
        String(added.load_id),
      ]);

      // Nothing new: every file is skipped and nothing changes.
      const snapshot = await workspaceContents(engine, true);
      const again = await run(engine, config, true);
      expect(again.tables['orders']).toEqual({
        source_rows: 0,
        excluded: 0,
        rejected: 0,
        accepted: 0,
        loaded: 0,
        files: 0,
        skipped_files: 2,
      });
      expect(again.rejections).toEqual([]);
      expect(await workspaceContents(engine, true)).toEqual(snapshot);

      // A third file repeats an order already loaded (o2): rejected as a duplicate, the loaded one stays.
      const third = writeFixed(
        `${dir}/orders-3.csv`,
        HEADER + 'o5,c5,2024-03-05 10:00:00,50,completed\no2,c9,2024-03-06 10:00:00,99,completed\n',
      );
      const dup = await run(engine, config, true);
      expect(dup.tables['orders']).toMatchObject({
        source_rows: 2,
        accepted: 1,
        rejected: 1,
        loaded: 1,
        skipped_files: 2,
      });
      expect(dup.rejections).toEqual([
        {
          table: 'orders',
          reason: 'duplicate_key',
          count: 1,
          examples: [{ file: 'orders-3.csv', row: 2, column: 'order_id', value: 'o2' }],
        },
      ]);
      expect(await engine.query(`SELECT customer_id, revenue FROM orders WHERE order_id = 'o2'`)).toEqual([
        { customer_id: 'c2', revenue: 20 },
      ]);
      expect(await ids(engine)).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
      // The rejected rows of earlier loads are kept beside the new one.
      expect(await engine.query(`SELECT file, row_number, reason FROM rejected_rows`)).toEqual([
        { file: third, row_number: 2, reason: 'duplicate_key' },
      ]);

      // A full reload afterwards gives what loading all three files at once gives.
      const reload = await run(engine, config);
      expect(reload.tables['orders']).toMatchObject({
        source_rows: 6,
        accepted: 5,
        rejected: 1,
        loaded: 5,
        files: 3,
      });
      const fresh = await openWorkspace(':memory:');
      try {
        await run(fresh, config);
        expect(await workspaceContents(engine, true)).toEqual(await workspaceContents(fresh, true));
      } finally {
        await fresh.close();
      }
    } finally {
      await engine.close();
    }
  });

  it('reads a file again when it changed since it was loaded', async () => {
    const dir = 'changed';
    const file = writeFixed(`${dir}/orders.csv`, HEADER + 'o1,c1,2024-01-05 10:00:00,10,completed\n');
    const config = configOf({ orders: { files: [file] } }, tmp.dir);
    const engine = await openWorkspace(':memory:');
    try {
      await run(engine, config);
      tmp.write(
        `${dir}/orders.csv`,
        HEADER + 'o1,c1,2024-01-05 10:00:00,10,completed\no2,c2,2024-01-06 10:00:00,20,completed\n',
      );
      const result = await run(engine, config, true);
      // The file is read whole again: o1 is already loaded (a duplicate), o2 is new.
      expect(result.tables['orders']).toMatchObject({
        source_rows: 2,
        accepted: 1,
        rejected: 1,
        files: 1,
        skipped_files: 0,
      });
      expect(await ids(engine)).toEqual(['o1', 'o2']);
    } finally {
      await engine.close();
    }
  });
});

describe('customers created from orders', () => {
  const CUSTOMERS = 'customer_id,created_at,country\nc1,2023-01-01 09:00:00,GB\nc2,2023-02-01 09:00:00,FR\n';
  const ORDERS =
    HEADER +
    'o1,c1,2024-01-05 10:00:00,10,completed\no2,c9,2024-03-06 10:00:00,20,completed\n' +
    'o3,c9,2024-02-01 08:00:00,30,cancelled\no4,c8,2024-04-01 10:00:00,oops,completed\n';

  it('creates each unknown customer once, first seen at their first order, marked auto_created', async () => {
    const customers = writeFixed('auto/customers.csv', CUSTOMERS);
    const orders = writeFixed('auto/orders.csv', ORDERS);
    const engine = await openWorkspace(':memory:');
    try {
      const result = await run(
        engine,
        configOf({ customers: { files: [customers] }, orders: { files: [orders] } }, tmp.dir),
      );
      // c8's only order is rejected, so c8 is not created.
      expect(result.customers_created).toBe(1);
      expect(result.tables['customers']).toMatchObject({ source_rows: 2, loaded: 2 });
      expect(
        await engine.query(
          `SELECT customer_id, CAST(created_at AS VARCHAR) AS created_at, country, auto_created FROM customers ORDER BY customer_id`,
        ),
      ).toEqual([
        { customer_id: 'c1', created_at: '2023-01-01 09:00:00', country: 'GB', auto_created: false },
        { customer_id: 'c2', created_at: '2023-02-01 09:00:00', country: 'FR', auto_created: false },
        // The earliest order counts, whatever its status and wherever it is in the file.
        { customer_id: 'c9', created_at: '2024-02-01 08:00:00', country: null, auto_created: true },
      ]);
      expect(
        await engine.query(`SELECT customers_created FROM ingest_runs WHERE table_name = 'customers'`),
      ).toEqual([{ customers_created: 1 }]);
    } finally {
      await engine.close();
    }
  });

  it('replaces the placeholder when a later customers file has the customer (append)', async () => {
    const dir = 'placeholder';
    writeFixed(`${dir}/customers-1.csv`, CUSTOMERS);
    const orders = writeFixed(`${dir}/orders.csv`, ORDERS);
    const config = configOf(
      { customers: { files: [tmp.path(`${dir}/customers-*.csv`)] }, orders: { files: [orders] } },
      tmp.dir,
    );
    const engine = await openWorkspace(':memory:');
    try {
      expect((await run(engine, config)).customers_created).toBe(1);
      writeFixed(`${dir}/customers-2.csv`, 'customer_id,created_at,country\nc9,2022-05-05 12:00:00,DE\n');
      const result = await run(engine, config, true);
      expect(result.tables['customers']).toMatchObject({
        source_rows: 1,
        accepted: 1,
        rejected: 0,
        loaded: 1,
        skipped_files: 1,
      });
      expect(result.customers_created).toBe(0);
      expect(result.rejections).toEqual([]);
      expect(
        await engine.query(
          `SELECT customer_id, CAST(created_at AS VARCHAR) AS created_at, country, auto_created FROM customers WHERE customer_id = 'c9'`,
        ),
      ).toEqual([
        { customer_id: 'c9', created_at: '2022-05-05 12:00:00', country: 'DE', auto_created: false },
      ]);
      expect(await ids(engine, `SELECT customer_id FROM customers ORDER BY 1`)).toEqual(['c1', 'c2', 'c9']);
      // A real customer record is a real duplicate when it comes again.
      writeFixed(`${dir}/customers-3.csv`, 'customer_id,created_at,country\nc9,2022-06-06 12:00:00,AT\n');
      const dup = await run(engine, config, true);
      expect(dup.rejections.map((j) => [j.table, j.reason, j.count])).toEqual([
        ['customers', 'duplicate_key', 1],
      ]);
    } finally {
      await engine.close();
    }
  });

  it('replaces the placeholder when the customers file is reloaded with the customer', async () => {
    const dir = 'placeholder-reload';
    const customers = writeFixed(`${dir}/customers.csv`, CUSTOMERS);
    const orders = writeFixed(`${dir}/orders.csv`, ORDERS);
    const config = configOf({ customers: { files: [customers] }, orders: { files: [orders] } }, tmp.dir);
    const engine = await openWorkspace(':memory:');
    try {
      await run(engine, config);
      writeFixed(`${dir}/customers.csv`, CUSTOMERS + 'c9,2022-05-05 12:00:00,DE\n');
      const result = await run(engine, config);
      expect(result.customers_created).toBe(0);
      expect(
        await engine.query(`SELECT country, auto_created FROM customers WHERE customer_id = 'c9'`),
      ).toEqual([{ country: 'DE', auto_created: false }]);
      expect(await ids(engine, `SELECT count(*) FROM customers`)).toEqual(['3']);
    } finally {
      await engine.close();
    }
  });

  it('creates customers for orders loaded without any customers source', async () => {
    const orders = writeFixed('orders-only/orders.csv', ORDERS);
    const engine = await openWorkspace(':memory:');
    try {
      const result = await run(engine, configOf({ orders: { files: [orders] } }, tmp.dir));
      expect(result.customers_created).toBe(2);
      expect(await ids(engine, `SELECT customer_id FROM customers WHERE auto_created ORDER BY 1`)).toEqual([
        'c1',
        'c9',
      ]);
      // Reloading does not create them twice.
      const again = await run(engine, configOf({ orders: { files: [orders] } }, tmp.dir));
      expect(again.customers_created).toBe(0);
      expect(await ids(engine, `SELECT count(*) FROM customers`)).toEqual(['2']);
    } finally {
      await engine.close();
    }
  });
});
