import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseDialect, type Capabilities, type Dialect, type LogicalType } from '../../src/dialect/dialect.js';
import { DuckDBDialect } from '../../src/dialect/duckdb/duckdb-dialect.js';
import { DuckDBEngine } from '../../src/engine/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/engine/engine.js';

/** Every supported engine, so that adding one makes each expectation below a compile error until filled in. */
type EngineName = 'duckdb';
const dialects: Record<EngineName, Dialect> = { duckdb: new DuckDBDialect() };
const engines: Partial<Record<EngineName, Engine>> = {};

beforeAll(async () => {
  engines.duckdb = await DuckDBEngine.open(':memory:');
});
afterAll(async () => {
  await engines.duckdb?.close();
});

const hostile = [
  "O'Brien",
  "'; DROP TABLE customers; --",
  'line\nbreak\ttab\u0000nul',
  '"quoted" \\ backslash',
  'ünïcödé ✓',
  'x'.repeat(10_000),
];

describe('dialect SQL', () => {
  it('writes the expected SQL for each engine', () => {
    const expected: Record<EngineName, { ident: string; literal: string; tryCast: string; log1p: string }> = {
      duckdb: {
        ident: '"we""ird"',
        literal: "'it''s'",
        tryCast: 'TRY_CAST(x AS DOUBLE)',
        log1p: 'LN(1 + x)',
      },
    };
    for (const [name, d] of Object.entries(dialects) as [EngineName, Dialect][]) {
      expect(d.ident('we"ird')).toBe(expected[name].ident);
      expect(d.literal("it's")).toBe(expected[name].literal);
      expect(d.tryCast('x', 'double')).toBe(expected[name].tryCast);
      expect(d.fn('log1p', 'x')).toBe(expected[name].log1p);
    }
  });

  it('round-trips hostile strings through literal() and ident() on the real engine', async () => {
    for (const [name, d] of Object.entries(dialects) as [EngineName, Dialect][]) {
      const engine = engines[name]!;
      for (const value of hostile) {
        const rows = await engine.query(`SELECT ${d.literal(value)} AS v`);
        expect(rows[0]?.['v']).toBe(value);
        const name = value.slice(0, 60);
        if (name.includes('\u0000')) expect(() => d.ident(name)).toThrow(/NUL/);
        else expect(Object.keys((await engine.query(`SELECT 1 AS ${d.ident(name)}`))[0]!)).toEqual([name]);
      }
    }
  });

  it('refuses non-finite numbers as literals', () => {
    expect(() => dialects.duckdb.literal(Number.NaN)).toThrow(/literal/);
  });

  it('computes dates the same way on every engine', async () => {
    for (const [name, d] of Object.entries(dialects) as [EngineName, Dialect][]) {
      const rows = await engines[name]!.query(
        `SELECT ${d.daysBetween("DATE '2011-12-01'", "DATE '2011-12-09'")} AS days, ` +
          `CAST(${d.dateTrunc('month', "TIMESTAMP '2011-12-09 12:50:00'")} AS VARCHAR) AS month, ` +
          `CAST(${d.addDays("TIMESTAMP '2011-12-31 10:00:00'", 1)} AS VARCHAR) AS next, ` +
          `CAST(${d.tryTimestamp("'2020-01-01T10:00:00+02:00'")} AS VARCHAR) AS utc`,
      );
      expect(rows[0]).toEqual({
        days: 8,
        month: '2011-12-01',
        next: '2012-01-01 10:00:00',
        utc: '2020-01-01 08:00:00',
      });
    }
  });

  it('a capability a dialect forgot to declare fails at first use instead of producing SQL', () => {
    class Forgetful extends BaseDialect {
      readonly name = 'forgetful';
      protected readonly capabilities: Partial<Capabilities> = { windowFunctions: true };
      protected readonly typeNames: Record<LogicalType, string> = {
        string: 'TEXT',
        integer: 'BIGINT',
        double: 'DOUBLE PRECISION',
        boolean: 'BOOLEAN',
        date: 'DATE',
        timestamp: 'TIMESTAMP',
        json: 'JSONB',
      };
      tryCast(expr: string, t: LogicalType): string {
        return `CAST(${expr} AS ${this.type(t)})`;
      }
    }
    const d = new Forgetful();
    expect(d.can('windowFunctions')).toBe(true);
    expect(() => d.can('qualify')).toThrow(/does not declare capability 'qualify'/);
    expect(() => d.fileScan({ format: 'csv', paths: ['x.csv'] })).toThrow(
      /does not support reading data files/,
    );
  });

  it('tells the kind of value of every column type the engine reports', async () => {
    for (const name of Object.keys(dialects) as EngineName[]) {
      const e = engines[name]!;
      await e.exec(
        `CREATE OR REPLACE TABLE kinds (a TINYINT, b INTEGER, c BIGINT, d HUGEINT, e UBIGINT, f DOUBLE, ` +
          `g DECIMAL(12, 2), h VARCHAR, i BOOLEAN, j DATE, k TIMESTAMP, l TIMESTAMP WITH TIME ZONE, m BLOB, n INTEGER[])`,
      );
      const described = await e.query<{ column_name: string; column_type: string }>(
        e.dialect.describeQuery('SELECT * FROM kinds'),
      );
      const kinds = Object.fromEntries(
        described.map((r) => [r.column_name, e.dialect.valueKind(r.column_type) ?? null]),
      );
      expect(kinds, name).toEqual({
        a: 'number',
        b: 'number',
        c: 'number',
        d: 'number',
        e: 'number',
        f: 'number',
        g: 'number',
        h: 'string',
        i: 'boolean',
        j: 'date',
        k: 'timestamp',
        l: 'timestamp',
        m: null,
        n: null,
      });
    }
  });
});
