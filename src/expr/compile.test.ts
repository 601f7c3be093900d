import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import type { Dialect } from '../dialect/dialect.js';
import { DuckDBDialect } from '../dialect/duckdb/duckdb-dialect.js';
import { compileExpression } from './compile.js';
import type { CompileOptions, ExprSchema } from './types.js';

const schema: ExprSchema = {
  revenue_365d: 'number',
  orders_365d: 'number',
  country: 'string',
  first_order_at: 'date',
  last_order_at: 'timestamp',
  consent_marketing: 'boolean',
  'odd "name"': 'number',
};
const duckdb = new DuckDBDialect();
const ROW: CompileOptions = { mode: 'row', expect: 'boolean' };
const AGG: CompileOptions = { mode: 'aggregate' };
const sql = (text: string, options: CompileOptions = ROW, d: Dialect = duckdb) =>
  compileExpression(text, schema, d, options).sql;

/**
 * A dialect whose literals and identifiers come out as numbered markers, so a test can see that
 * every value and name reached the SQL through `literal`/`ident` and nothing else.
 */
class MarkerDialect extends DuckDBDialect {
  readonly literals: (string | number | boolean | null)[] = [];
  readonly idents: string[] = [];
  override literal(value: string | number | boolean | null): string {
    this.literals.push(value);
    return `«L${this.literals.length - 1}»`;
  }
  override ident(name: string): string {
    this.idents.push(name);
    return `«I${this.idents.length - 1}»`;
  }
}

describe('compileExpression: SQL', () => {
  it('compiles the CONTRACT examples', () => {
    expect(sql('revenue_365d >= 1000 and orders_365d >= 5')).toBe(
      '(("revenue_365d" >= 1000) AND ("orders_365d" >= 5))',
    );
    expect(sql('avg(case when revenue_365d >= 1000 then 1 else 0 end)', AGG)).toBe(
      'AVG(CASE WHEN "revenue_365d" >= 1000 THEN 1 ELSE 0 END)',
    );
    expect(sql('true')).toBe('TRUE');
  });

  it('writes == as =, != as <>, and keeps and/or chains flat', () => {
    expect(sql('orders_365d == 1 or orders_365d != 2 or orders_365d <> 3')).toBe(
      '(("orders_365d" = 1) OR ("orders_365d" <> 2) OR ("orders_365d" <> 3))',
    );
    expect(sql('consent_marketing or (orders_365d > 1 and revenue_365d > 2)')).toBe(
      '("consent_marketing" OR (("orders_365d" > 1) AND ("revenue_365d" > 2)))',
    );
  });

  it('divides with NULLIF so that a zero divisor gives NULL', () => {
    expect(sql('revenue_365d / orders_365d', { mode: 'row' })).toBe(
      '("revenue_365d" / NULLIF("orders_365d", 0))',
    );
    expect(sql('orders_365d % 2 = 0')).toBe('(("orders_365d" % NULLIF(2, 0)) = 0)');
  });

  it('makes arithmetic between two literal-typed terms double, so it cannot overflow INTEGER', () => {
    expect(sql('1000000 * 1000000 < revenue_365d')).toBe(
      '((CAST(1000000 AS DOUBLE) * 1000000) < "revenue_365d")',
    );
    expect(sql('revenue_365d * 2 > 1')).toBe('(("revenue_365d" * 2) > 1)');
  });

  it('writes non-whole numbers as doubles, as the language defines numbers', () => {
    expect(sql('orders_365d * 0.1 > 1e-7')).toBe(
      '(("orders_365d" * CAST(0.1 AS DOUBLE)) > CAST(1e-7 AS DOUBLE))',
    );
    expect(sql('revenue_365d > 12345678901234567890')).toBe(
      '("revenue_365d" > CAST(12345678901234567000 AS DOUBLE))',
    );
  });

  it('compiles share(), days_between and date literals', () => {
    expect(sql('share(consent_marketing)', AGG)).toBe(
      'AVG(CASE WHEN "consent_marketing" THEN 1.0 ELSE 0.0 END)',
    );
    expect(sql("days_between(first_order_at, '2024-06-30') > 30")).toBe(
      "(DATE_DIFF('day', CAST(\"first_order_at\" AS DATE), CAST(CAST('2024-06-30' AS DATE) AS DATE)) > 30)",
    );
    expect(sql("last_order_at >= date '2024-01-31'")).toBe(`("last_order_at" >= CAST('2024-01-31' AS DATE))`);
    expect(sql("last_order_at < '2024-01-31T10:00'")).toBe(
      `("last_order_at" < CAST('2024-01-31 10:00:00' AS TIMESTAMP))`,
    );
  });

  it('guards logarithms and square roots so bad values give NULL instead of failing', () => {
    expect(sql('ln(revenue_365d) > 1')).toBe('(LN(NULLIF(GREATEST("revenue_365d", 0), 0)) > 1)');
    expect(sql('log1p(revenue_365d) > 1')).toBe('(LN(1 + NULLIF(GREATEST("revenue_365d", -1), -1)) > 1)');
    expect(sql('sqrt(revenue_365d - 1) > 1')).toBe(
      '(CASE WHEN ("revenue_365d" - 1) >= 0 THEN SQRT(("revenue_365d" - 1)) END > 1)',
    );
  });

  it('writes predicates with their negations', () => {
    expect(sql("country not in ('GB', 'FR') and country not like 'X%' and country is not null")).toBe(
      `(("country" NOT IN ('GB', 'FR')) AND ("country" NOT LIKE 'X%') AND ("country" IS NOT NULL))`,
    );
    expect(sql('not orders_365d not between 1 and 2 + 3')).toBe(
      '(NOT ("orders_365d" NOT BETWEEN 1 AND (CAST(2 AS DOUBLE) + 3)))',
    );
    expect(sql('- -orders_365d > 0')).toBe('((-(-"orders_365d")) > 0)');
  });

  it('uses qualify for column references and reports the columns used', () => {
    const c = compileExpression('Revenue_365d > 1 and `odd "name"` < revenue_365d', schema, duckdb, {
      ...ROW,
      qualify: (col) => `f.${duckdb.ident(col)}`,
    });
    expect(c.sql).toBe('((f."revenue_365d" > 1) AND (f."odd ""name""" < f."revenue_365d"))');
    expect(c.columns).toEqual(['revenue_365d', 'odd "name"']);
    expect(c.type).toBe('boolean');
    expect(c.ast.kind).toBe('binary');
  });

  it('sends every value through literal() and every name through ident()', () => {
    const d = new MarkerDialect();
    const c = compileExpression(
      `country in ('a''b', "c\\"; DROP TABLE x; --") and first_order_at > date '2024-01-01' and revenue_365d > 1.5`,
      schema,
      d,
      ROW,
    );
    expect(d.literals).toEqual(["a'b", 'c"; DROP TABLE x; --', '2024-01-01', 1.5]);
    expect(d.idents).toEqual(['country', 'first_order_at', 'revenue_365d']);
    expect(c.sql).not.toMatch(/['";]|--/);
  });

  it('refuses SQL pasted into an expression', () => {
    for (const text of [
      'revenue_365d > 0; DROP TABLE customers',
      "country = 'GB' --",
      'revenue_365d > 0 /* comment */',
      "country = 'x' union select 1",
      '`revenue_365d" OR 1=1 --` > 0',
    ])
      expect(() => sql(text), text).toThrow(UserError);
  });

  it('quotes a 100 KB string and control characters safely', () => {
    const big = `'; DROP TABLE x; --${'x'.repeat(100_000)}`;
    const text = `country = '${big.replaceAll("'", "''")}' or country = 'a\u0001\u0000b'`;
    const out = sql(text);
    expect(out).toBe(
      `(("country" = ${duckdb.literal(big)}) OR ("country" = ${duckdb.literal('a\u0001\u0000b')}))`,
    );
  });

  it('stops SQL that would grow without bound', () => {
    const text = `${'sqrt('.repeat(40)}revenue_365d${')'.repeat(40)} > 1`;
    try {
      sql(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).code).toBe('expression_too_large');
    }
  });
});

describe('compileExpression: golden SQL per dialect', () => {
  type EngineName = 'duckdb';
  const dialects: Record<EngineName, Dialect> = { duckdb };
  const row = [
    'revenue_365d >= 1000 and orders_365d >= 5',
    "country in ('GB', 'FR') or country like 'D%'",
    "first_order_at between '2024-01-01' and date '2024-12-31'",
    'round(revenue_365d / orders_365d, 2) > least(abs(revenue_365d), 50)',
    "coalesce(lower(country), upper(country)) = 'gb'",
    'log10(revenue_365d) + exp(orders_365d) - ceil(revenue_365d) + floor(revenue_365d) > 2',
    'days_between(first_order_at, last_order_at) > 30 or last_order_at is null',
    'case when consent_marketing then length(country) else -1 end > 2',
  ];
  const aggregate = [
    'avg(case when revenue_365d >= 1000 then 1 else 0 end)',
    'sum(revenue_365d) / count(*)',
    'median(revenue_365d) + max(orders_365d) - min(orders_365d) + count(country)',
    'share(revenue_365d > 100 and consent_marketing) * 100',
    'greatest(max(first_order_at), max(last_order_at))',
  ];
  for (const [name, d] of Object.entries(dialects)) {
    it(`matches golden/${name}.sql`, async () => {
      const lines: string[] = [];
      for (const [mode, list] of [
        ['row', row],
        ['aggregate', aggregate],
      ] as const)
        for (const text of list)
          lines.push(`-- ${mode}: ${text}`, compileExpression(text, schema, d, { mode }).sql, '');
      await expect(lines.join('\n')).toMatchFileSnapshot(`./golden/${name}.sql`);
    });
  }
});
