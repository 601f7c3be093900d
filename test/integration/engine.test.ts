import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/engine/engine.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('DuckDB engine', () => {
  it('converts values to plain JavaScript', async () => {
    engine = await DuckDBEngine.open(':memory:');
    const rows = await engine.query(
      "SELECT 42::BIGINT AS i, 1.5::DECIMAL(10,2) AS d, DATE '2011-12-09' AS day, 'x' AS s, NULL AS n, [1, 2] AS l",
    );
    expect(rows).toEqual([{ i: 42, d: 1.5, day: '2011-12-09', s: 'x', n: null, l: [1, 2] }]);
  });

  it('binds parameters instead of splicing values', async () => {
    engine = await DuckDBEngine.open(':memory:');
    const rows = await engine.query('SELECT $1::VARCHAR AS v', ["O'Brien; DROP TABLE x"]);
    expect(rows[0]?.['v']).toBe("O'Brien; DROP TABLE x");
  });

  it('rolls back a failed transaction entirely', async () => {
    engine = await DuckDBEngine.open(':memory:');
    await engine.exec('CREATE TABLE t (x INTEGER)');
    await engine.exec('INSERT INTO t VALUES (1)');
    await expect(
      engine.transaction(async (tx) => {
        await tx.exec('INSERT INTO t VALUES (2)');
        await tx.exec('CREATE TABLE u (y INTEGER)');
        await tx.exec('SELECT * FROM no_such_table');
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(await engine.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }]);
    expect(
      await engine.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'u'"),
    ).toEqual([{ n: 0 }]);
  });

  it('streams large results in chunks and reads numeric columns into typed arrays', async () => {
    engine = await DuckDBEngine.open(':memory:');
    let rows = 0;
    let chunks = 0;
    for await (const c of engine.stream('SELECT range AS x FROM range(10000)')) {
      rows += c.rowCount;
      chunks++;
    }
    expect(rows).toBe(10000);
    expect(chunks).toBeGreaterThan(1);
    const cols = await engine.numericColumns('SELECT range::DOUBLE AS x, NULL::DOUBLE AS y FROM range(5000)');
    expect(cols['x']?.length).toBe(5000);
    expect(cols['x']?.[4999]).toBe(4999);
    expect(Number.isNaN(cols['y']?.[0])).toBe(true);
  });

  it('queues statements issued while a stream is open instead of breaking the stream', async () => {
    engine = await DuckDBEngine.open(':memory:');
    const e = engine;
    let rows = 0;
    const other = (async () => e.query('SELECT 1 AS one'))();
    for await (const c of e.stream('SELECT range FROM range(50000)')) rows += c.rowCount;
    expect(rows).toBe(50000);
    expect(await other).toEqual([{ one: 1 }]);
  });

  it('appends columns in bulk', async () => {
    engine = await DuckDBEngine.open(':memory:');
    await engine.exec('CREATE TABLE t (id VARCHAR, v DOUBLE, d DATE, ts TIMESTAMP, n BIGINT)');
    await engine.append('t', [
      { name: 'id', type: 'string', values: ['a', 'b', null] },
      { name: 'v', type: 'double', values: [1.5, Number.NaN, 3] },
      { name: 'd', type: 'date', values: [0, 15000, '2011-12-09'] },
      { name: 'ts', type: 'timestamp', values: [Date.UTC(2020, 0, 1, 12), null, 0] },
      { name: 'n', type: 'integer', values: [1, 2, 3] },
    ]);
    const rows = await engine.query('SELECT * FROM t ORDER BY n');
    expect(rows).toEqual([
      { id: 'a', v: 1.5, d: '1970-01-01', ts: '2020-01-01 12:00:00', n: 1 },
      { id: 'b', v: null, d: '2011-01-26', ts: null, n: 2 },
      { id: null, v: 3, d: '2011-12-09', ts: '1970-01-01 00:00:00', n: 3 },
    ]);
  });
});

it('appends typed arrays across chunk boundaries, NaN as NULL', async () => {
  engine = await DuckDBEngine.open(':memory:');
  await engine.exec('CREATE TABLE t (k INTEGER, v DOUBLE)');
  const n = 5000;
  const k = new Int32Array(n).map((_, i) => i * 3);
  const v = new Float64Array(n).map((_, i) => (i % 7 === 0 ? Number.NaN : i / 4));
  await engine.append('t', [
    { name: 'k', type: 'integer', values: k },
    { name: 'v', type: 'double', values: v },
  ]);
  const [agg] = await engine.query(
    'SELECT COUNT(*) AS n, SUM(k) AS sk, COUNT(v) AS nv, SUM(v) AS sv, MAX(k) AS mk FROM t',
  );
  let sv = 0;
  let nv = 0;
  for (const x of v)
    if (!Number.isNaN(x)) {
      sv += x;
      nv++;
    }
  expect(agg).toEqual({ n, sk: (3 * (n - 1) * n) / 2, nv, sv, mk: 3 * (n - 1) });
});
