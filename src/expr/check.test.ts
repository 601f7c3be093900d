import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { DuckDBDialect } from '../dialect/duckdb/duckdb-dialect.js';
import { checkExpression } from './check.js';
import { compileExpression } from './compile.js';
import { parseExpression } from './parser.js';
import type { ExprProblem } from './problem.js';
import type { CompileOptions, ExprSchema } from './types.js';

const schema: ExprSchema = {
  revenue_365d: 'number',
  orders_365d: 'number',
  recency_days: 'number',
  country: 'string',
  first_order_at: 'date',
  last_order_at: 'timestamp',
  consent_marketing: 'boolean',
  T: 'number',
};
const dialect = new DuckDBDialect();
const ROW: CompileOptions = { mode: 'row', expect: 'boolean' };
const AGG: CompileOptions = { mode: 'aggregate', expect: 'number' };

function problems(text: string, options: CompileOptions = ROW, s: ExprSchema = schema): ExprProblem[] {
  try {
    compileExpression(text, s, dialect, options);
  } catch (e) {
    if (e instanceof UserError) return e.problems as ExprProblem[];
    throw e;
  }
  throw new Error(`expected ${text} to fail`);
}

const typeOf = (text: string, mode: 'row' | 'aggregate' = 'row') =>
  checkExpression(parseExpression(text), schema, { mode }).type;

describe('checkExpression: names', () => {
  it("reports an unknown feature with did-you-mean: unknown feature 'revenu_365d' at 1:1", () => {
    const [p, ...rest] = problems('revenu_365d >= 1000');
    expect(rest).toEqual([]);
    expect(p).toEqual({
      code: 'unknown_feature',
      message: "unknown feature 'revenu_365d' at 1:1; did you mean 'revenue_365d'?",
      hint: "did you mean 'revenue_365d'?",
      at: { line: 1, column: 1 },
      offset: 0,
      length: 11,
    });
  });

  it('lists the features when nothing is close', () => {
    const [p] = problems('zzzzzzzzzz > 1');
    expect(p?.message).toBe("unknown feature 'zzzzzzzzzz' at 1:1");
    expect(p?.hint).toMatch(/^features: 'revenue_365d', 'orders_365d'/);
  });

  it('matches features case-insensitively, resolving to the schema name', () => {
    const c = compileExpression('REVENUE_365D > 1 and t > 2', schema, dialect, ROW);
    expect(c.columns).toEqual(['revenue_365d', 'T']);
    expect(c.sql).toBe('(("revenue_365d" > 1) AND ("T" > 2))');
    const [p] = problems('ab > 1', ROW, { AB: 'number', ab_: 'number', Ab: 'number', aB: 'number' });
    expect(p?.code).toBe('ambiguous_feature');
  });

  it('reports an unknown function with did-you-mean among functions', () => {
    const [p] = problems('avgg(revenue_365d)', AGG);
    expect(p).toMatchObject({
      code: 'unknown_function',
      message: "unknown function 'avgg' at 1:1; did you mean 'avg'?",
      hint: "did you mean 'avg'?",
    });
  });

  it('says when a function name is used as a feature', () => {
    const [p] = problems('median > 1');
    expect(p).toMatchObject({ code: 'unknown_feature', hint: "'median' is a function: write median(x)" });
  });
});

describe('checkExpression: types', () => {
  it('says both types when a comparison mixes them: cannot compare number with string at 1:14', () => {
    expect(problems("revenue_365d = 'abc'")[0]).toMatchObject({
      code: 'type_mismatch',
      message: 'cannot compare number with string at 1:14',
    });
    expect(problems("revenue_365d > '100'")[0]?.hint).toBe('write the number without quotes: 100');
    expect(problems("consent_marketing = 'true'")[0]?.hint).toBe('write true without quotes');
  });

  it('reports every problem of an expression at once, in text order', () => {
    const ps = problems("revenu_365d > 1 and country > 3 or foo(1) and orders_365d + 'x' > 1");
    expect(ps.map((p) => `${p.code}@${p.at.column}`)).toEqual([
      'unknown_feature@1',
      'type_mismatch@29',
      'unknown_function@36',
      'type_mismatch@59',
    ]);
    expect(ps[3]?.message).toBe("cannot apply '+' to number and string at 1:59");
  });

  it('needs conditions around and/or/not and in case whens', () => {
    expect(problems('revenue_365d and consent_marketing')[0]).toMatchObject({
      message: "'and' expects a condition, got a number at 1:1",
      hint: "compare it, e.g. 'revenue_365d > 0'",
    });
    expect(problems('not country')[0]?.message).toBe("'not' expects a condition, got a string at 1:5");
    expect(problems('case when 1 then true end')[0]?.message).toBe(
      "'when' expects a condition, got a number at 1:11",
    );
  });

  it('requires a boolean where one is expected', () => {
    expect(problems('revenue_365d * 2')[0]).toMatchObject({
      code: 'wrong_type',
      message: 'the expression is a number, expected a boolean at 1:1',
    });
    expect(problems('null')[0]?.code).toBe('wrong_type');
    expect(compileExpression('consent_marketing', schema, dialect, ROW).type).toBe('boolean');
  });

  it('compares dates with dates, timestamps and date strings', () => {
    expect(typeOf("first_order_at >= '2024-01-01' and last_order_at < first_order_at")).toBe('boolean');
    expect(typeOf("first_order_at between '2024-01-01' and date '2024-12-31'")).toBe('boolean');
    expect(typeOf("last_order_at in ('2024-01-01 10:00:00', '2024-01-02')")).toBe('boolean');
    expect(problems("first_order_at > 'yesterday'")[0]).toMatchObject({
      code: 'invalid_date',
      message: "'yesterday' is not a date at 1:18",
    });
    expect(problems('first_order_at > 5')[0]?.message).toBe('cannot compare date with number at 1:16');
    expect(problems("first_order_at + 1 > '2024-01-01'")[0]).toMatchObject({
      message: "cannot apply '+' to date and number at 1:16",
      hint: 'for the days between two dates use days_between(from, to)',
    });
  });

  it('types like, in and between operands', () => {
    expect(problems("revenue_365d like '1%'")[0]?.message).toBe("'like' needs text, got a number at 1:1");
    expect(problems("orders_365d in (1, '2')")[0]?.message).toBe('cannot compare number with string at 1:20');
    expect(problems("orders_365d between 1 and 'x'")[0]?.message).toBe(
      'cannot compare number with string at 1:13',
    );
  });

  it('refuses comparisons with null, which are never true', () => {
    expect(problems('country = null')[0]).toMatchObject({
      code: 'compare_with_null',
      message: 'a comparison with null is never true at 1:11',
      hint: "test for a missing value with 'is null' or 'is not null'",
    });
    expect(problems("country not in ('GB', null)")[0]?.code).toBe('compare_with_null');
  });

  it('lets null flow through arithmetic, case and coalesce', () => {
    expect(typeOf('revenue_365d + null')).toBe('number');
    expect(typeOf('case when consent_marketing then null end')).toBe('null');
    expect(typeOf('case when consent_marketing then null else 1 end')).toBe('number');
    expect(typeOf('coalesce(null, country)')).toBe('string');
    expect(typeOf('country is null or not (null)')).toBe('boolean');
  });

  it('unifies case branches and same-typed arguments', () => {
    expect(typeOf("case when consent_marketing then first_order_at else '2020-01-01' end")).toBe('date');
    expect(typeOf('coalesce(first_order_at, last_order_at)')).toBe('timestamp');
    expect(problems("case when consent_marketing then 1 else 'x' end = 1")[0]?.message).toBe(
      'the branches of case have different types: number (1:34) and string at 1:41',
    );
    expect(problems('greatest(revenue_365d, country) > 1')[0]?.message).toBe(
      'the arguments of greatest have different types: number (1:10) and string at 1:24',
    );
    expect(problems('least(consent_marketing, true)')[0]?.message).toBe(
      'least expects a number, a string, a date or a timestamp, got a boolean at 1:7',
    );
  });

  it('checks function arguments: count, types and whole-number digits', () => {
    expect(problems('round(revenue_365d, 1, 2) > 1')[0]).toMatchObject({
      code: 'wrong_arguments',
      message: 'round takes 1 or 2 arguments, got 3 at 1:1',
      hint: 'usage: round(x[, digits])',
    });
    expect(problems('abs() > 1')[0]?.message).toBe('abs takes 1 argument, got 0 at 1:1');
    expect(problems('least(revenue_365d) > 1')[0]?.message).toBe(
      'least takes at least 2 arguments, got 1 at 1:1',
    );
    expect(problems('sqrt(country) > 1')[0]?.message).toBe('sqrt expects a number, got a string at 1:6');
    expect(problems('round(revenue_365d, orders_365d) > 1')[0]).toMatchObject({
      code: 'invalid_argument',
      message: 'the second argument of round must be a whole number such as 2 at 1:21',
    });
    expect(problems('days_between(first_order_at, 3) > 1')[0]?.message).toBe(
      'days_between expects a date or timestamp, got a number at 1:30',
    );
    expect(typeOf("days_between(first_order_at, '2024-06-30') > 30")).toBe('boolean');
    expect(typeOf('round(revenue_365d, -2) + length(country)')).toBe('number');
  });
});

describe('checkExpression: aggregates', () => {
  it('accepts aggregates in aggregate mode, with literals around them', () => {
    const c = compileExpression(
      'avg(case when revenue_365d >= 1000 then 1 else 0 end) * 100 + count(*) - share(consent_marketing)',
      schema,
      dialect,
      AGG,
    );
    expect(c.type).toBe('number');
    expect(c.columns).toEqual(['revenue_365d', 'consent_marketing']);
    expect(typeOf('max(first_order_at)', 'aggregate')).toBe('date');
    expect(typeOf('min(country)', 'aggregate')).toBe('string');
  });

  it('refuses aggregates in a row expression', () => {
    expect(problems('sum(revenue_365d) > 100')[0]).toMatchObject({
      code: 'aggregate_in_row',
      message: "aggregate 'sum' cannot be used in a row expression at 1:1",
    });
    expect(problems('count(*) > 1')[0]?.code).toBe('aggregate_in_row');
  });

  it('refuses a bare feature in aggregate mode, and nested aggregates', () => {
    expect(problems('sum(revenue_365d) / orders_365d', AGG)[0]).toMatchObject({
      code: 'column_outside_aggregate',
      message: "feature 'orders_365d' is used outside an aggregate at 1:21",
    });
    expect(problems('sum(avg(revenue_365d))', AGG)[0]).toMatchObject({
      code: 'nested_aggregate',
      message: "aggregate 'avg' inside aggregate 'sum' at 1:5",
    });
  });

  it('points booleans in numeric aggregates at share()', () => {
    expect(problems('avg(consent_marketing)', AGG)[0]).toMatchObject({
      message: 'avg expects a number, got a boolean at 1:5',
      hint: 'for the fraction of customers where it is true, use share(…)',
    });
    expect(problems('share(revenue_365d)', AGG)[0]?.message).toBe(
      'share expects a boolean, got a number at 1:7',
    );
    expect(problems('sum(*)', AGG)[0]?.message).toBe("'*' is only allowed in count(*) at 1:5");
  });
});
