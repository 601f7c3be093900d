/**
 * Customer keys (workspace schema 2): every customer id gets a stable whole number at ingestion,
 * snapshot memberships store it, and a version-1 workspace (memberships by id) is migrated on open
 * without losing a membership.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { ingest } from '../../src/ingest/ingest.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-keys-');
afterAll(() => tmp.remove());

const NOW = { now: new Date('2025-01-01T00:00:00Z') };

function files(customers: string[], orders: [string, string, string][]) {
  return {
    customers: tmp.write(
      `c-${customers.join('')}.csv`,
      'customer_id,created_at\n' + customers.map((c) => `${c},2024-01-01`).join('\n') + '\n',
    ),
    orders: tmp.write(
      `o-${orders.length}-${customers.join('')}.csv`,
      'order_id,customer_id,ordered_at,revenue\n' +
        orders.map(([o, c, d], i) => `${o},${c},${d},${10 + i}`).join('\n') +
        '\n',
    ),
  };
}

async function keys(engine: Engine): Promise<Record<string, number>> {
  const rows = await engine.query<{ customer_id: string; customer_key: number }>(
    `SELECT customer_id, customer_key FROM customer_keys ORDER BY customer_key`,
  );
  return Object.fromEntries(rows.map((r) => [r.customer_id, Number(r.customer_key)]));
}

async function load(engine: Engine, f: { customers: string; orders: string }, mode?: 'append') {
  const config = configFromObject(
    { sources: { customers: { file: f.customers }, orders: { file: f.orders } } },
    tmp.dir,
  );
  return ingest(engine, config, { ...NOW, ...(mode ? { mode } : {}) });
}

describe('customer keys', () => {
  it('numbers ids in id order, keeps them across a replace load, and never reuses a key', async () => {
    const engine = await openWorkspace(':memory:');
    try {
      await load(
        engine,
        files(
          ['b', 'a', 'c'],
          [
            ['o1', 'a', '2024-02-01'],
            ['o2', 'z', '2024-03-01'],
          ],
        ),
      );
      // z only appears in orders: its placeholder customer gets a key too.
      expect(await keys(engine)).toEqual({ a: 1, b: 2, c: 3, z: 4 });
      const unkeyed = await engine.query(`SELECT COUNT(*) AS n FROM customers WHERE customer_key IS NULL`);
      expect(Number(unkeyed[0]!['n'])).toBe(0);

      // A replace load without b and z, with a new customer d: a and c keep theirs, d gets 5.
      await load(engine, files(['c', 'a', 'd'], [['o1', 'a', '2024-02-01']]));
      expect(await keys(engine)).toEqual({ a: 1, b: 2, c: 3, z: 4, d: 5 });
      const rows = await engine.query(`SELECT customer_id, customer_key FROM customers ORDER BY customer_id`);
      expect(rows.map((r) => [r['customer_id'], Number(r['customer_key'])])).toEqual([
        ['a', 1],
        ['c', 3],
        ['d', 5],
      ]);
    } finally {
      await engine.close();
    }
  });

  it('keys customers written outside ingestion when features are built', async () => {
    const engine = await openWorkspace(':memory:');
    try {
      await engine.exec(
        `INSERT INTO customers (customer_id, created_at) VALUES ('x', TIMESTAMP '2024-01-01'), ('w', NULL)`,
      );
      const result = await runPipeline(
        engine,
        configFromObject({ segments: [{ name: 'life', type: 'lifecycle' }] }, tmp.dir),
        { asOf: '2024-06-30' },
      );
      expect(await keys(engine)).toEqual({ w: 1, x: 2 });
      const members = await engine.query(
        `SELECT k.customer_id, m.segment FROM snapshot_members m JOIN customer_keys k USING (customer_key) ` +
          `WHERE m.snapshot_id = ${result.snapshot_id} ORDER BY 1`,
      );
      expect(members.map((m) => [m['customer_id'], m['segment']])).toEqual([
        ['w', 'prospect'],
        ['x', 'prospect'],
      ]);
    } finally {
      await engine.close();
    }
  });
});

describe('migration of a version-1 workspace', () => {
  it('keys the customers and converts stored memberships without losing one', async () => {
    const path = tmp.path('v1.duckdb');
    let engine = await openWorkspace(path);
    await load(
      engine,
      files(
        ['p', 'q', 'r'],
        [
          ['o1', 'p', '2024-02-01'],
          ['o2', 'q', '2024-05-01'],
        ],
      ),
    );
    const run = await runPipeline(engine, configFromObject({}, tmp.dir), { asOf: '2024-06-30' });
    const before = await engine.query(
      `SELECT m.scheme, m.segment, k.customer_id FROM snapshot_members m JOIN customer_keys k USING (customer_key) ORDER BY ALL`,
    );
    expect(before.length).toBe(6); // 3 customers × the two default schemes
    // Turn it back into the version-1 layout: no keys anywhere, memberships by id, including the
    // membership of a customer no longer in `customers` (erased rows must not drop history).
    await engine.exec(`CREATE TABLE old_members AS SELECT m.snapshot_id, m.scheme, m.segment, k.customer_id
      FROM snapshot_members m JOIN customer_keys k USING (customer_key)`);
    await engine.exec(`INSERT INTO old_members VALUES (${run.snapshot_id}, 'rfm', 'Lost', 'gone')`);
    await engine.exec(`DROP TABLE snapshot_members`);
    await engine.exec(`ALTER TABLE old_members RENAME TO snapshot_members`);
    await engine.exec(`DROP TABLE customer_keys`);
    await engine.exec(`ALTER TABLE customers DROP COLUMN customer_key`);
    await engine.exec(`UPDATE segtrack_meta SET value = '1' WHERE key = 'schema_version'`);
    await engine.close();

    engine = await openWorkspace(path);
    try {
      const [version] = await engine.query(`SELECT value FROM segtrack_meta WHERE key = 'schema_version'`);
      expect(version!['value']).toBe('2');
      const after = await engine.query(
        `SELECT m.scheme, m.segment, k.customer_id FROM snapshot_members m JOIN customer_keys k USING (customer_key) ORDER BY ALL`,
      );
      expect(after).toEqual(
        [...before, { scheme: 'rfm', segment: 'Lost', customer_id: 'gone' }].sort((a, b) =>
          JSON.stringify(Object.values(a)) < JSON.stringify(Object.values(b)) ? -1 : 1,
        ),
      );
      const unkeyed = await engine.query(`SELECT COUNT(*) AS n FROM customers WHERE customer_key IS NULL`);
      expect(Number(unkeyed[0]!['n'])).toBe(0);
      // The migrated workspace runs as before.
      const again = await runPipeline(engine, configFromObject({}, tmp.dir), { asOf: '2024-06-30' });
      expect(again.customers).toBe(3);
    } finally {
      await engine.close();
    }
  });
});
