import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { DuckDBEngine } from '../../src/engine/duckdb/duckdb-engine.js';
import type { AppendType, Row as DbRow } from '../../src/engine/engine.js';
import type { Expr } from '../../src/expr/ast.js';
import {
  checkExpression,
  compileExpression,
  lookupFunction,
  parseExpression,
  type CheckResult,
  type CompileOptions,
  type ExprSchema,
  type ExprType,
} from '../../src/expr/index.js';

// ---------------------------------------------------------------------------------------------
// The table: a dozen customers with numbers (double and integer), text, dates, timestamps,
// booleans and NULLs, including a hostile string and LIKE wildcards inside values.

interface Customer {
  customer_id: string;
  revenue_365d: number | null;
  orders_365d: number | null;
  aov: number | null;
  recency_days: number | null;
  score: number | null;
  country: string | null;
  city: string | null;
  first_order_at: string | null;
  last_order_at: string | null;
  consent_marketing: boolean | null;
}

const HOSTILE_COUNTRY = "O'Brien; DROP TABLE features; --";
const WEIRD_COLUMN = 'we"ird; DROP TABLE features; --';

// prettier-ignore
const customers: Customer[] = [
  { customer_id: 'c01', revenue_365d: 1500, orders_365d: 8, aov: 187.5, recency_days: 10, score: 4.5, country: 'GB', city: 'London', first_order_at: '2022-03-15', last_order_at: '2024-11-20T10:30:00Z', consent_marketing: true },
  { customer_id: 'c02', revenue_365d: 250.25, orders_365d: 2, aov: 125.125, recency_days: 120, score: -3.25, country: 'FR', city: 'Paris', first_order_at: '2023-07-01', last_order_at: '2024-06-01T00:00:00Z', consent_marketing: false },
  { customer_id: 'c03', revenue_365d: 0, orders_365d: 0, aov: null, recency_days: 400, score: 0, country: 'DE', city: 'Berlin', first_order_at: null, last_order_at: null, consent_marketing: null },
  { customer_id: 'c04', revenue_365d: null, orders_365d: null, aov: null, recency_days: 35, score: null, country: null, city: null, first_order_at: '2024-01-31', last_order_at: '2024-01-31T23:59:59Z', consent_marketing: true },
  { customer_id: 'c05', revenue_365d: 999.75, orders_365d: 5, aov: 199.95, recency_days: 3, score: 12.5, country: 'GB', city: 'Manchester', first_order_at: '2021-12-31', last_order_at: '2024-12-30T08:00:00Z', consent_marketing: true },
  { customer_id: 'c06', revenue_365d: 5000, orders_365d: 40, aov: 125, recency_days: 1, score: -50, country: 'US', city: 'New York', first_order_at: '2020-02-29', last_order_at: '2024-12-31T12:00:00Z', consent_marketing: false },
  { customer_id: 'c07', revenue_365d: 12.5, orders_365d: 1, aov: 12.5, recency_days: 365, score: 1.5, country: HOSTILE_COUNTRY, city: 'Dublin', first_order_at: '2024-02-29', last_order_at: '2024-02-29T06:15:00Z', consent_marketing: null },
  { customer_id: 'c08', revenue_365d: 100, orders_365d: 3, aov: 33.25, recency_days: 60, score: -0.5, country: 'gb', city: 'london', first_order_at: '2023-01-01', last_order_at: '2023-12-31T23:00:00Z', consent_marketing: true },
  { customer_id: 'c09', revenue_365d: 1000, orders_365d: 5, aov: 200, recency_days: 30, score: 7.75, country: 'ES', city: 'Málaga', first_order_at: '2022-06-15', last_order_at: '2024-09-09T09:09:09Z', consent_marketing: false },
  { customer_id: 'c10', revenue_365d: 42, orders_365d: 2, aov: 21, recency_days: 200, score: 2.25, country: 'IT', city: '50% off_sale', first_order_at: '2023-03-03', last_order_at: null, consent_marketing: true },
  { customer_id: 'c11', revenue_365d: 3000.5, orders_365d: 12, aov: 250.25, recency_days: 15, score: -12, country: 'FR', city: 'Lyon', first_order_at: '2019-05-05', last_order_at: '2024-10-10T10:10:10Z', consent_marketing: true },
  { customer_id: 'c12', revenue_365d: 0.25, orders_365d: 1, aov: 0.25, recency_days: 90, score: null, country: 'DE', city: null, first_order_at: '2024-06-30', last_order_at: '2024-07-01T00:00:00Z', consent_marketing: false },
];

const schema: ExprSchema = {
  revenue_365d: 'number',
  orders_365d: 'number',
  aov: 'number',
  recency_days: 'number',
  score: 'number',
  country: 'string',
  city: 'string',
  first_order_at: 'date',
  last_order_at: 'timestamp',
  consent_marketing: 'boolean',
  [WEIRD_COLUMN]: 'number',
};

/** Engine types of the columns: orders_365d is an integer column, the other numbers doubles. */
const columnTypes: Record<string, AppendType> = {
  customer_id: 'string',
  revenue_365d: 'double',
  orders_365d: 'integer',
  aov: 'double',
  recency_days: 'double',
  score: 'double',
  country: 'string',
  city: 'string',
  first_order_at: 'date',
  last_order_at: 'timestamp',
  consent_marketing: 'boolean',
  [WEIRD_COLUMN]: 'double',
};

/** The weird column holds revenue / 10, so a test can tell it was read. */
const weird = (c: Customer) => (c.revenue_365d === null ? null : c.revenue_365d / 10);

let engine: DuckDBEngine;
const dialect = () => engine.dialect;

beforeAll(async () => {
  engine = await DuckDBEngine.open(':memory:');
  const d = engine.dialect;
  const sqlTypes: Record<AppendType, string> = {
    string: 'VARCHAR',
    double: 'DOUBLE',
    integer: 'BIGINT',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
  };
  const cols = Object.entries(columnTypes);
  await engine.exec(
    `CREATE TABLE features (${cols.map(([c, t]) => `${d.ident(c)} ${sqlTypes[t]}`).join(', ')})`,
  );
  await engine.append(
    'features',
    cols.map(([name, type]) => ({
      name,
      type,
      values: customers.map((c) => (name === WEIRD_COLUMN ? weird(c) : c[name as keyof Customer])),
    })),
  );
});

afterAll(async () => {
  await engine.close();
});

async function selectIds(sql: string): Promise<string[]> {
  const rows = await engine.query<{ customer_id: string } & DbRow>(
    `SELECT customer_id FROM features WHERE ${sql} ORDER BY customer_id`,
  );
  return rows.map((r) => r.customer_id);
}

const ROW: CompileOptions = { mode: 'row', expect: 'boolean' };

// ---------------------------------------------------------------------------------------------
// A small reference evaluator over the syntax tree: the language's semantics in plain TypeScript
// (three-valued logic, NULL-safe division, guarded logarithms), independent of any SQL.

/** A value while evaluating: dates and timestamps as epoch milliseconds. */
type V = number | string | boolean | null;

const DAY_MS = 86_400_000;

function toMs(iso: string): number {
  return Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : `${iso.replace(' ', 'T')}Z`);
}

function columnValue(c: Customer, name: string): V {
  if (name === WEIRD_COLUMN) return weird(c);
  const v = c[name as keyof Customer];
  if (v === null) return null;
  if (name === 'first_order_at' || name === 'last_order_at') return Date.parse(String(v));
  return v;
}

function cmp(a: V, b: V): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number(a) - Number(b);
}

function and3(a: V, b: V): V {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function or3(a: V, b: V): V {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

const not3 = (a: V): V => (a === null ? null : !a);

function likeRegex(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) =>
      ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`, 'u');
}

function roundHalfAway(x: number, digits: number): number {
  const p = 10 ** digits;
  return (Math.sign(x) * Math.round(Math.abs(x) * p)) / p;
}

interface Context {
  column(name: string): V;
  aggregate(e: Expr & { kind: 'call' }): V;
}

function evaluate(e: Expr, ck: CheckResult, ctx: Context): V {
  const ev = (x: Expr) => evaluate(x, ck, ctx);
  switch (e.kind) {
    case 'number':
    case 'boolean':
      return e.value;
    case 'string': {
      const iso = ck.coerced.get(e);
      return iso ? toMs(iso.value) : e.value;
    }
    case 'null':
      return null;
    case 'temporal':
      return toMs(e.value);
    case 'column':
      return ctx.column(ck.resolved.get(e)!);
    case 'unary': {
      const v = ev(e.operand);
      if (v === null) return null;
      return e.op === 'not' ? !v : -Number(v);
    }
    case 'binary': {
      if (e.op === 'and') return and3(ev(e.left), ev(e.right));
      if (e.op === 'or') return or3(ev(e.left), ev(e.right));
      const l = ev(e.left);
      const r = ev(e.right);
      if (l === null || r === null) return null;
      switch (e.op) {
        case '=':
          return cmp(l, r) === 0;
        case '<>':
          return cmp(l, r) !== 0;
        case '<':
          return cmp(l, r) < 0;
        case '<=':
          return cmp(l, r) <= 0;
        case '>':
          return cmp(l, r) > 0;
        case '>=':
          return cmp(l, r) >= 0;
        case '+':
          return Number(l) + Number(r);
        case '-':
          return Number(l) - Number(r);
        case '*':
          return Number(l) * Number(r);
        case '/':
          return r === 0 ? null : Number(l) / Number(r);
        case '%':
          return r === 0 ? null : Number(l) % Number(r);
      }
      throw new Error('unreachable');
    }
    case 'between': {
      const v = ev(e.value);
      const lo = ev(e.low);
      const hi = ev(e.high);
      const inside = and3(
        v === null || lo === null ? null : cmp(v, lo) >= 0,
        v === null || hi === null ? null : cmp(v, hi) <= 0,
      );
      return e.negated ? not3(inside) : inside;
    }
    case 'in': {
      const v = ev(e.value);
      const items = e.list.map(ev);
      let found: V = v === null ? null : false;
      if (v !== null)
        for (const item of items) {
          if (item === null) found = found === true ? true : null;
          else if (cmp(v, item) === 0) found = true;
        }
      return e.negated ? not3(found) : found;
    }
    case 'is_null': {
      const isNull = ev(e.value) === null;
      return e.negated ? !isNull : isNull;
    }
    case 'like': {
      const v = ev(e.value);
      const p = ev(e.pattern);
      if (v === null || p === null) return null;
      const m = likeRegex(String(p)).test(String(v));
      return e.negated ? !m : m;
    }
    case 'case': {
      for (const w of e.whens) if (ev(w.when) === true) return ev(w.then);
      return e.otherwise ? ev(e.otherwise) : null;
    }
    case 'call': {
      const f = lookupFunction(e.name)!;
      if (f.aggregate) return ctx.aggregate(e);
      const args = e.args.map(ev);
      const x = args[0] ?? null;
      const num = Number(x);
      const nonNull = args.filter((a) => a !== null);
      switch (f.name) {
        case 'least':
          return nonNull.length === 0 ? null : nonNull.reduce((a, b) => (cmp(a, b) <= 0 ? a : b));
        case 'greatest':
          return nonNull.length === 0 ? null : nonNull.reduce((a, b) => (cmp(a, b) >= 0 ? a : b));
        case 'coalesce':
          return nonNull[0] ?? null;
      }
      if (args.some((a) => a === null)) return null;
      switch (f.name) {
        case 'abs':
          return Math.abs(num);
        case 'round':
          return roundHalfAway(num, Number(args[1] ?? 0));
        case 'floor':
          return Math.floor(num);
        case 'ceil':
          return Math.ceil(num);
        case 'ln':
          return num > 0 ? Math.log(num) : null;
        case 'log10':
          return num > 0 ? Math.log10(num) : null;
        case 'log1p':
          return num > -1 ? Math.log(1 + num) : null;
        case 'exp':
          return Math.exp(num);
        case 'sqrt':
          return num >= 0 ? Math.sqrt(num) : null;
        case 'lower':
          return String(x).toLowerCase();
        case 'upper':
          return String(x).toUpperCase();
        case 'length':
          return [...String(x)].length;
        case 'days_between':
          return Math.floor(Number(args[1]) / DAY_MS) - Math.floor(num / DAY_MS);
      }
      throw new Error(`no reference for ${f.name}`);
    }
  }
}

function rowContext(c: Customer): Context {
  return {
    column: (name) => columnValue(c, name),
    aggregate: () => {
      throw new Error('aggregate in a row expression');
    },
  };
}

/** Evaluates an expression per customer. */
function evalRow(text: string, c: Customer): V {
  const ast = parseExpression(text);
  return evaluate(ast, checkExpression(ast, schema, { mode: 'row' }), rowContext(c));
}

/** Evaluates an aggregate expression over all customers. */
function evalAggregate(text: string, rows: Customer[]): V {
  const ast = parseExpression(text);
  const ck = checkExpression(ast, schema, { mode: 'aggregate' });
  return evaluate(ast, ck, {
    column: () => {
      throw new Error('bare column in an aggregate expression');
    },
    aggregate: (call) => {
      const f = lookupFunction(call.name)!;
      if (call.star !== null) return rows.length;
      const values = rows.map((r) => evaluate(call.args[0]!, ck, rowContext(r)));
      const present = values.filter((v) => v !== null);
      const nums = present.map(Number);
      switch (f.name) {
        case 'count':
          return present.length;
        case 'sum':
          return nums.length === 0 ? null : nums.reduce((a, b) => a + b, 0);
        case 'avg':
          return nums.length === 0 ? null : nums.reduce((a, b) => a + b, 0) / nums.length;
        case 'min':
          return present.length === 0 ? null : present.reduce((a, b) => (cmp(a, b) <= 0 ? a : b));
        case 'max':
          return present.length === 0 ? null : present.reduce((a, b) => (cmp(a, b) >= 0 ? a : b));
        case 'median': {
          if (nums.length === 0) return null;
          const s = [...nums].sort((a, b) => a - b);
          const mid = Math.floor(s.length / 2);
          return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
        }
        case 'share':
          return rows.length === 0 ? null : values.filter((v) => v === true).length / rows.length;
      }
      throw new Error(`no reference for ${f.name}`);
    },
  });
}

/** The ids the reference selects: customers for whom the condition is true (NULL is not). */
function referenceIds(text: string): string[] {
  return customers.filter((c) => evalRow(text, c) === true).map((c) => c.customer_id);
}

/** A value from DuckDB in the reference's terms (dates and timestamps as epoch ms). */
function fromDb(v: unknown, type: ExprType): V {
  if (v === null || v === undefined) return null;
  if ((type === 'date' || type === 'timestamp') && typeof v === 'string') return toMs(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  throw new Error(`unexpected value ${JSON.stringify(v)}`);
}

function sameValue(actual: V, expected: V): boolean {
  if (actual === null || expected === null) return actual === expected;
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (!Number.isFinite(expected)) return actual === expected;
    return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  return actual === expected;
}

// ---------------------------------------------------------------------------------------------

describe('expressions on DuckDB: rows selected match TypeScript', () => {
  /** Each condition with the same predicate written by hand in TypeScript (NULL counts as not true). */
  const examples: [string, (c: Customer) => boolean][] = [
    [
      'revenue_365d >= 1000 and orders_365d >= 5',
      (c) => (c.revenue_365d ?? -1) >= 1000 && (c.orders_365d ?? -1) >= 5,
    ],
    [
      'revenue_365d >= 1000 or orders_365d >= 5 and consent_marketing',
      (c) =>
        (c.revenue_365d !== null && c.revenue_365d >= 1000) ||
        (c.orders_365d !== null && c.orders_365d >= 5 && c.consent_marketing === true),
    ],
    ['not consent_marketing', (c) => c.consent_marketing === false],
    ['consent_marketing is null', (c) => c.consent_marketing === null],
    ["country in ('GB', 'FR')", (c) => c.country === 'GB' || c.country === 'FR'],
    ["country not in ('GB', 'FR')", (c) => c.country !== null && c.country !== 'GB' && c.country !== 'FR'],
    ["lower(country) = 'gb'", (c) => c.country?.toLowerCase() === 'gb'],
    ["city like 'L%'", (c) => c.city?.startsWith('L') ?? false],
    ["city not like '%o%'", (c) => c.city !== null && !c.city.includes('o')],
    ["city like '50% off_sale' and city like '__% %'", (c) => c.city === '50% off_sale'],
    [
      'revenue_365d between 100 and 1000',
      (c) => c.revenue_365d !== null && c.revenue_365d >= 100 && c.revenue_365d <= 1000,
    ],
    [
      'revenue_365d not between 100 and 1000',
      (c) => c.revenue_365d !== null && (c.revenue_365d < 100 || c.revenue_365d > 1000),
    ],
    [
      'revenue_365d / orders_365d > 200',
      (c) => c.revenue_365d !== null && !!c.orders_365d && c.revenue_365d / c.orders_365d > 200,
    ],
    ['revenue_365d / orders_365d is null', (c) => c.revenue_365d === null || !c.orders_365d],
    ['orders_365d % 2 = 0 and orders_365d / 2 = 2.5 * 2 - 1', (c) => c.orders_365d === 8],
    [
      'orders_365d % 2 == 1 or orders_365d / 4 = 0.5',
      (c) => c.orders_365d !== null && (c.orders_365d % 2 === 1 || c.orders_365d === 2),
    ],
    ['-score > 3 and abs(score) < 20', (c) => c.score !== null && -c.score > 3 && Math.abs(c.score) < 20],
    [
      'round(aov) = 125 or round(aov, 1) = 33.3',
      (c) => c.aov !== null && (Math.round(c.aov) === 125 || c.aov === 33.25),
    ],
    ['floor(score) = -4 or ceil(score) = 8', (c) => c.score === -3.25 || c.score === 7.75],
    [
      'ln(revenue_365d) > 7',
      (c) => c.revenue_365d !== null && c.revenue_365d > 0 && Math.log(c.revenue_365d) > 7,
    ],
    ['log10(revenue_365d) >= 3', (c) => c.revenue_365d !== null && c.revenue_365d >= 1000],
    ['log1p(score) < 0', (c) => c.score !== null && c.score > -1 && c.score < 0],
    ['sqrt(score) >= 2', (c) => c.score !== null && c.score >= 4],
    ['exp(score) < 0.01', (c) => c.score !== null && Math.exp(c.score) < 0.01],
    // least/greatest ignore NULLs: greatest(NULL, 0) is 0.
    [
      'greatest(score, 0) = 0 and least(revenue_365d, 10) = 10',
      (c) => (c.score ?? 0) <= 0 && (c.revenue_365d ?? 10) >= 10,
    ],
    ['coalesce(revenue_365d, -1) < 0', (c) => c.revenue_365d === null],
    ['length(city) > 6', (c) => c.city !== null && [...c.city].length > 6],
    ["first_order_at >= '2024-01-01'", (c) => c.first_order_at !== null && c.first_order_at >= '2024-01-01'],
    [
      "first_order_at between date '2022-01-01' and '2023-12-31'",
      (c) =>
        c.first_order_at !== null && c.first_order_at >= '2022-01-01' && c.first_order_at <= '2023-12-31',
    ],
    [
      "last_order_at < timestamp '2024-06-01 00:00:01' and last_order_at >= '2024-06-01'",
      (c) => c.customer_id === 'c02',
    ],
    [
      'last_order_at > first_order_at and days_between(first_order_at, last_order_at) > 1000',
      (c) =>
        c.first_order_at !== null &&
        c.last_order_at !== null &&
        Math.floor(Date.parse(c.last_order_at) / DAY_MS) - Date.parse(c.first_order_at) / DAY_MS > 1000,
    ],
    [
      'days_between(last_order_at, first_order_at) = 0',
      (c) => c.first_order_at !== null && c.last_order_at?.slice(0, 10) === c.first_order_at,
    ],
    [
      "case when country = 'GB' then revenue_365d > 1000 when country = 'FR' then orders_365d > 5 else false end",
      (c) =>
        (c.country === 'GB' && (c.revenue_365d ?? 0) > 1000) ||
        (c.country === 'FR' && (c.orders_365d ?? 0) > 5),
    ],
    ['case when orders_365d > 4 then 1 end = 1', (c) => (c.orders_365d ?? 0) > 4],
    ['`we"ird; DROP TABLE features; --` >= 100', (c) => (c.revenue_365d ?? 0) >= 1000],
    ['true', () => true],
    ['false or null', () => false],
    [
      'NOT (Revenue_365d < 100 OR Orders_365d < 2) AND Country IS NOT NULL',
      (c) =>
        c.revenue_365d !== null &&
        c.revenue_365d >= 100 &&
        c.orders_365d !== null &&
        c.orders_365d >= 2 &&
        c.country !== null,
    ],
    ['0.1 + 0.2 = 0.3', () => 0.1 + 0.2 === 0.3],
    ['orders_365d * 0.1 > 0.7', (c) => (c.orders_365d ?? 0) * 0.1 > 0.7],
    ['1000000 * 1000000 * 1000 > revenue_365d', (c) => c.revenue_365d !== null],
  ];

  for (const [text, predicate] of examples)
    it(text, async () => {
      const compiled = compileExpression(text, schema, dialect(), ROW);
      const expected = customers.filter(predicate).map((c) => c.customer_id);
      expect(await selectIds(compiled.sql), compiled.sql).toEqual(expected);
      expect(referenceIds(text)).toEqual(expected);
    });

  it('qualifies columns with a table alias when asked', async () => {
    const compiled = compileExpression('revenue_365d > 1000', schema, dialect(), {
      ...ROW,
      qualify: (c) => `f.${dialect().ident(c)}`,
    });
    const rows = await engine.query(
      `SELECT f.customer_id FROM features AS f WHERE ${compiled.sql} ORDER BY 1`,
    );
    expect(rows.map((r) => r['customer_id'])).toEqual(['c01', 'c06', 'c11']);
  });
});

describe('expressions on DuckDB: aggregates match TypeScript', () => {
  const examples: [string, number | null][] = [
    ['avg(case when revenue_365d >= 1000 then 1 else 0 end)', 4 / 12],
    ['share(revenue_365d >= 1000)', 4 / 12],
    ['share(consent_marketing) * 100', (6 / 12) * 100],
    ['count(*)', 12],
    ['count(consent_marketing) + count(aov)', 10 + 10],
    ['sum(revenue_365d) / count(revenue_365d)', null],
    ['median(orders_365d)', 3],
    ['max(revenue_365d) - min(revenue_365d)', 5000],
    ['days_between(min(first_order_at), max(last_order_at))', null],
    ['sum(revenue_365d) / sum(case when revenue_365d > 1e9 then 1 end)', null],
    ['avg(revenue_365d / orders_365d)', null],
  ];
  for (const [text, known] of examples)
    it(text, async () => {
      const compiled = compileExpression(text, schema, dialect(), { mode: 'aggregate', expect: 'number' });
      const rows = await engine.query(`SELECT ${compiled.sql} AS v FROM features`);
      const actual = fromDb(rows[0]?.['v'], compiled.type);
      const expected = evalAggregate(text, customers);
      expect(sameValue(actual, expected), `${compiled.sql}: ${String(actual)} vs ${String(expected)}`).toBe(
        true,
      );
      if (known !== null) expect(sameValue(actual, known)).toBe(true);
    });

  it('returns dates and text from min/max', async () => {
    const c = compileExpression('max(first_order_at)', schema, dialect(), { mode: 'aggregate' });
    expect(c.type).toBe('date');
    expect((await engine.query(`SELECT ${c.sql} AS v FROM features`))[0]?.['v']).toBe('2024-06-30');
    const s = compileExpression('min(city)', schema, dialect(), { mode: 'aggregate' });
    expect((await engine.query(`SELECT ${s.sql} AS v FROM features`))[0]?.['v']).toBe('50% off_sale');
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random well-typed expressions give the same result in SQL and in the reference.

const NUM_COLS = ['revenue_365d', 'orders_365d', 'aov', 'recency_days', 'score'];
const STR_COLS = ['country', 'city'];
const DATE_COLS = ['first_order_at', 'last_order_at'];

/** A string literal in either quote style, escaped as the language requires. */
function quote(value: string, double: boolean): string {
  return double
    ? `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
    : `'${value.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
}

const strValue = fc.string({
  unit: fc.constantFrom('a', 'B', 'é', 'o', 'n', '%', '_', "'", '"', '\\', ' '),
  maxLength: 4,
});
const strLit = fc.tuple(strValue, fc.boolean()).map(([v, d]) => quote(v, d));
const likePattern = fc
  .string({ unit: fc.constantFrom('a', 'o', 'n', 'L', 'G', 'B', '%', '_', "'"), maxLength: 4 })
  .map((v) => quote(v, false));
/** Literals that are exact in binary (whole numbers, quarters), small enough to stay exact. */
const numLit = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map(String),
  fc.integer({ min: 0, max: 80 }).map((n) => String(n / 4)),
  fc.constantFrom('1e1', '2.5E-1', '.5'),
);
const isoDay = fc
  .date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const kw = (word: string) => fc.constantFrom(word, word.toUpperCase());

// A type alias, not an interface: letrec's typed overload needs an index-compatible record.
type Gen = {
  num: string;
  str: string;
  date: string;
  bool: string;
};

const depth = { maxDepth: 3, depthIdentifier: 'expr', withCrossShrink: true } as const;

const gen = fc.letrec<Gen>((tie) => ({
  num: fc.oneof(
    depth,
    fc.oneof(fc.constantFrom(...NUM_COLS), numLit),
    fc
      .tuple(tie('num'), fc.constantFrom('+', '-', '*', '/', '%'), tie('num'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('num').map((a) => `(-${a})`),
    fc
      .tuple(fc.constantFrom('abs', 'floor', 'ceil', 'sqrt', 'ln', 'log10', 'log1p', 'round'), tie('num'))
      .map(([f, a]) => `${f}(${a})`),
    tie('num').map((a) => `exp(least(${a}, 5))`),
    fc
      .tuple(fc.constantFrom('least', 'greatest', 'coalesce'), tie('num'), tie('num'))
      .map(([f, a, b]) => `${f}(${a}, ${b})`),
    tie('str').map((s) => `length(${s})`),
    fc.tuple(tie('date'), tie('date')).map(([a, b]) => `days_between(${a}, ${b})`),
    fc
      .tuple(kw('case'), tie('bool'), tie('num'), tie('num'))
      .map(([c, b, x, y]) => `${c} when ${b} then ${x} else ${y} end`),
  ),
  str: fc.oneof(
    depth,
    fc.oneof(fc.constantFrom(...STR_COLS), strLit),
    fc.tuple(fc.constantFrom('lower', 'upper'), tie('str')).map(([f, s]) => `${f}(${s})`),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `coalesce(${a}, ${b})`),
    fc.tuple(tie('bool'), tie('str')).map(([b, s]) => `case when ${b} then ${s} end`),
  ),
  date: fc.oneof(
    depth,
    fc.oneof(
      fc.constantFrom(...DATE_COLS),
      isoDay.map((d) => `date '${d}'`),
    ),
    fc
      .tuple(fc.constantFrom('least', 'greatest', 'coalesce'), tie('date'), tie('date'))
      .map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc
      .tuple(tie('bool'), tie('date'), tie('date'))
      .map(([b, x, y]) => `case when ${b} then ${x} else ${y} end`),
  ),
  bool: fc.oneof(
    depth,
    fc.constantFrom('consent_marketing', 'true', 'false', 'TRUE'),
    fc
      .tuple(tie('num'), fc.constantFrom('=', '==', '!=', '<>', '<', '<=', '>', '>='), tie('num'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc
      .tuple(tie('str'), fc.constantFrom('=', '<>', '<', '>='), tie('str'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc
      .tuple(
        tie('date'),
        fc.constantFrom('=', '<', '>='),
        fc.oneof(
          tie('date'),
          isoDay.map((d) => `'${d}'`),
        ),
      )
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc
      .tuple(tie('num'), fc.boolean(), tie('num'), tie('num'))
      .map(([v, neg, lo, hi]) => `(${v} ${neg ? 'not ' : ''}between ${lo} and ${hi})`),
    fc
      .tuple(tie('num'), fc.boolean(), fc.array(tie('num'), { minLength: 1, maxLength: 3 }))
      .map(([v, neg, list]) => `(${v} ${neg ? 'not ' : ''}in (${list.join(', ')}))`),
    fc
      .tuple(tie('str'), fc.boolean(), fc.array(strLit, { minLength: 1, maxLength: 3 }))
      .map(([v, neg, list]) => `(${v} ${neg ? 'NOT IN' : 'in'} (${list.join(', ')}))`),
    fc
      .tuple(fc.oneof(tie('num'), tie('str'), tie('date'), tie('bool')), fc.boolean())
      .map(([v, neg]) => `(${v} is ${neg ? 'not ' : ''}null)`),
    fc
      .tuple(tie('str'), fc.boolean(), likePattern)
      .map(([v, neg, p]) => `(${v} ${neg ? 'not ' : ''}like ${p})`),
    fc.tuple(tie('bool'), kw('and'), tie('bool')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie('bool'), kw('or'), tie('bool')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(kw('not'), tie('bool')).map(([op, a]) => `(${op} ${a})`),
  ),
}));

describe('expressions on DuckDB: random expressions agree with the reference evaluator', () => {
  it('selects the same customers for random conditions', async () => {
    let proper = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(gen.bool, async (text) => {
        const compiled = compileExpression(text, schema, dialect(), ROW);
        expect(compiled.sql).not.toContain('--');
        const ids = await selectIds(compiled.sql);
        expect(ids, `${text}\n${compiled.sql}`).toEqual(referenceIds(text));
        runs++;
        if (ids.length > 0 && ids.length < customers.length) proper++;
        if (process.env['EXPR_SAMPLE']) console.log(ids.length, text);
      }),
      { numRuns: 300, seed: 20240131 },
    );
    // The generator must not be vacuous: many conditions split the customers.
    expect(proper / runs).toBeGreaterThan(0.3);
  });

  it('computes the same values for random numeric, text and date expressions', async () => {
    const any = fc.oneof(
      gen.num.map((t) => [t, 'number'] as const),
      gen.str.map((t) => [t, 'string'] as const),
      gen.date.map((t) => [t, 'date'] as const),
    );
    await fc.assert(
      fc.asyncProperty(any, async ([text]) => {
        const compiled = compileExpression(text, schema, dialect(), { mode: 'row' });
        const rows = await engine.query(
          `SELECT customer_id, ${compiled.sql} AS v FROM features ORDER BY customer_id`,
        );
        rows.forEach((r, i) => {
          const actual = fromDb(r['v'], compiled.type);
          const expected = evalRow(text, customers[i]!);
          expect(
            sameValue(actual, expected),
            `${text}\n${compiled.sql}\n${JSON.stringify(r['customer_id'])}: ${String(actual)} vs ${String(expected)}`,
          ).toBe(true);
        });
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('expressions on DuckDB: hostile input', () => {
  const hostile = [
    "'; DROP TABLE features; --",
    "O'Brien",
    'x" OR "1"="1',
    'a\\b\\',
    '%_%\\%',
    'line\nbreak\ttab\r\u0001\u0007\u001b',
    'nul\u0000inside',
    'ünïcödé ✓ 🎉',
    'x'.repeat(100_000),
  ];

  async function tableIntact(): Promise<void> {
    expect((await engine.query('SELECT count(*) AS n FROM features'))[0]?.['n']).toBe(12);
  }

  it('round-trips hostile strings through literals', async () => {
    for (const value of hostile) {
      for (const double of [false, true]) {
        const text = `coalesce(city, ${quote(value, double)})`;
        const compiled = compileExpression(text, schema, dialect(), { mode: 'row', expect: 'string' });
        const rows = await engine.query(
          `SELECT ${compiled.sql} AS v FROM features WHERE customer_id = 'c04'`,
        );
        expect(rows[0]?.['v'], JSON.stringify(value.slice(0, 40))).toBe(value);
      }
      // Compared with a column, as a rule would: nothing matches, nothing breaks.
      const rule = compileExpression(
        `country = ${quote(value, false)} or city like ${quote(value, false)}`,
        schema,
        dialect(),
        ROW,
      );
      expect(await selectIds(rule.sql)).toEqual([]);
    }
    await tableIntact();
  });

  it('finds the customer whose country is a hostile string', async () => {
    const compiled = compileExpression(`country = ${quote(HOSTILE_COUNTRY, false)}`, schema, dialect(), ROW);
    expect(await selectIds(compiled.sql)).toEqual(['c07']);
    await tableIntact();
  });

  it('rejects SQL written as an expression before it reaches the engine', async () => {
    const attempts = [
      'revenue_365d > 0; DROP TABLE features',
      'revenue_365d > 0 -- and more',
      "country = 'GB' /* comment */",
      '1=1) OR (1=1',
      "country = 'x' union select * from features",
      'revenue_365d > 0 or 1 = 1; --',
      '`revenue_365d" > 0; DROP TABLE features; --` > 1',
      'drop table features',
      "country = 'unterminated",
      'revenue_365d > 0\u0000',
      `${'('.repeat(10_000)}1`,
    ];
    for (const text of attempts)
      expect(() => compileExpression(text, schema, dialect(), ROW), text).toThrow(UserError);
    await tableIntact();
  });

  it('reads a column with a hostile name through ident()', async () => {
    const compiled = compileExpression(
      `\`${WEIRD_COLUMN.replaceAll('`', '``')}\` > 100`,
      schema,
      dialect(),
      ROW,
    );
    expect(compiled.columns).toEqual([WEIRD_COLUMN]);
    expect(await selectIds(compiled.sql)).toEqual(['c01', 'c06', 'c11']);
    await tableIntact();
  });
});
