import type { Dialect } from '../dialect/dialect.js';
import type { ExprType } from './types.js';

/**
 * What an argument must be: a type, `temporal` (date or timestamp, or a string literal holding
 * one), `any`, or `same` (every `same` argument shares one type, which the function may return).
 */
export type ArgKind = 'number' | 'string' | 'boolean' | 'temporal' | 'any' | 'same';

/** One function of the language: its signature, its type rule and its SQL. */
export interface FunctionSpec {
  name: string;
  /** Aggregates run over a set of customers and are allowed only in `aggregate` mode. */
  aggregate: boolean;
  /** The kind of each argument; the last one repeats for variadic functions. */
  args: ArgKind[];
  /** Fewest and most arguments (`Infinity` for variadic functions). */
  min: number;
  max: number;
  /** For `same` arguments: the types they may have. */
  sameTypes: readonly ExprType[];
  /** The result type, or `same` for the arguments' common type. */
  returns: ExprType | 'same';
  /** Accepts `*` instead of arguments (`count(*)`). */
  star: boolean;
  /** Argument positions that must be a whole-number literal (`round`'s digits). */
  integerLiterals: number[];
  /** As shown to users: `round(x[, digits])`. */
  signature: string;
  description: string;
  /**
   * The SQL, given the arguments' SQL (each a single term: composite arguments arrive in
   * parentheses). `star` is true for `count(*)`.
   */
  sql: (args: string[], dialect: Dialect, star: boolean) => string;
}

const ORDERED: readonly ExprType[] = ['number', 'string', 'date', 'timestamp'];
const ANY: readonly ExprType[] = ['number', 'string', 'boolean', 'date', 'timestamp'];

type Spec = Omit<
  FunctionSpec,
  'name' | 'aggregate' | 'min' | 'max' | 'sameTypes' | 'star' | 'integerLiterals'
> &
  Partial<Pick<FunctionSpec, 'min' | 'max' | 'sameTypes' | 'star' | 'integerLiterals'>>;

function arg0(args: string[]): string {
  return args[0] ?? 'NULL';
}

/** A unary numeric function spelled the same in SQL. */
function numeric(name: string, description: string): Spec {
  return {
    args: ['number'],
    returns: 'number',
    signature: `${name}(x)`,
    description,
    sql: (a, d) => d.fn(name, arg0(a)),
  };
}

/** `x` where it is above `bound`, else NULL: logarithms of zero or less are NULL, not errors. */
function above(x: string, bound: string, d: Dialect): string {
  return d.fn('nullif', d.fn('greatest', x, bound), bound);
}

const SCALARS: Record<string, Spec> = {
  abs: numeric('abs', 'absolute value'),
  round: {
    args: ['number', 'number'],
    min: 1,
    max: 2,
    integerLiterals: [1],
    returns: 'number',
    signature: 'round(x[, digits])',
    description:
      'x rounded half away from zero to `digits` decimals (default 0; negative rounds to tens, hundreds…)',
    sql: (a, d) => (a.length > 1 ? d.fn('round', arg0(a), a[1]!) : d.fn('round', arg0(a))),
  },
  floor: numeric('floor', 'largest whole number ≤ x'),
  ceil: numeric('ceil', 'smallest whole number ≥ x'),
  ln: {
    ...numeric('ln', 'natural logarithm; NULL for x ≤ 0'),
    sql: (a, d) => d.fn('ln', above(arg0(a), '0', d)),
  },
  log10: {
    ...numeric('log10', 'base-10 logarithm; NULL for x ≤ 0'),
    sql: (a, d) => d.fn('log10', above(arg0(a), '0', d)),
  },
  log1p: {
    ...numeric('log1p', 'ln(1 + x); NULL for x ≤ −1'),
    sql: (a, d) => d.fn('log1p', above(arg0(a), '-1', d)),
  },
  exp: numeric('exp', 'e to the power x'),
  sqrt: {
    ...numeric('sqrt', 'square root; NULL for x < 0'),
    sql: (a, d) => `CASE WHEN ${arg0(a)} >= 0 THEN ${d.fn('sqrt', arg0(a))} END`,
  },
  least: {
    args: ['same'],
    min: 2,
    max: Infinity,
    sameTypes: ORDERED,
    returns: 'same',
    signature: 'least(a, b, …)',
    description: 'the smallest argument, ignoring NULLs',
    sql: (a, d) => d.fn('least', ...a),
  },
  greatest: {
    args: ['same'],
    min: 2,
    max: Infinity,
    sameTypes: ORDERED,
    returns: 'same',
    signature: 'greatest(a, b, …)',
    description: 'the largest argument, ignoring NULLs',
    sql: (a, d) => d.fn('greatest', ...a),
  },
  coalesce: {
    args: ['same'],
    min: 2,
    max: Infinity,
    sameTypes: ANY,
    returns: 'same',
    signature: 'coalesce(a, b, …)',
    description: 'the first argument that is not NULL',
    sql: (a, d) => d.fn('coalesce', ...a),
  },
  lower: {
    args: ['string'],
    returns: 'string',
    signature: 'lower(s)',
    description: 'lower-case text',
    sql: (a, d) => d.fn('lower', arg0(a)),
  },
  upper: {
    args: ['string'],
    returns: 'string',
    signature: 'upper(s)',
    description: 'upper-case text',
    sql: (a, d) => d.fn('upper', arg0(a)),
  },
  length: {
    args: ['string'],
    returns: 'number',
    signature: 'length(s)',
    description: 'number of characters',
    sql: (a, d) => d.fn('length', arg0(a)),
  },
  days_between: {
    args: ['temporal', 'temporal'],
    returns: 'number',
    signature: 'days_between(from, to)',
    description:
      "whole days from `from` to `to` (negative when `to` is earlier); a string such as '2024-01-31' is read as a date",
    sql: (a, d) => d.daysBetween(arg0(a), a[1] ?? 'NULL'),
  },
};

const AGGREGATES: Record<string, Spec> = {
  count: {
    args: ['any'],
    star: true,
    returns: 'number',
    signature: 'count(x) | count(*)',
    description: 'customers where x is not NULL; count(*) counts all customers',
    sql: (a, d, star) => (star ? 'COUNT(*)' : d.fn('count', arg0(a))),
  },
  sum: {
    args: ['number'],
    returns: 'number',
    signature: 'sum(x)',
    description: 'total of x (NULL over no values)',
    sql: (a, d) => d.fn('sum', arg0(a)),
  },
  avg: {
    args: ['number'],
    returns: 'number',
    signature: 'avg(x)',
    description: 'mean of x, ignoring NULLs',
    sql: (a, d) => d.fn('avg', arg0(a)),
  },
  min: {
    args: ['same'],
    sameTypes: ORDERED,
    returns: 'same',
    signature: 'min(x)',
    description: 'smallest x',
    sql: (a, d) => d.fn('min', arg0(a)),
  },
  max: {
    args: ['same'],
    sameTypes: ORDERED,
    returns: 'same',
    signature: 'max(x)',
    description: 'largest x',
    sql: (a, d) => d.fn('max', arg0(a)),
  },
  median: {
    args: ['number'],
    returns: 'number',
    signature: 'median(x)',
    description: 'median of x, ignoring NULLs',
    sql: (a, d) => d.fn('median', arg0(a)),
  },
  share: {
    args: ['boolean'],
    returns: 'number',
    signature: 'share(condition)',
    description: 'fraction of customers for whom the condition is true (NULL counts as not true)',
    sql: (a, d) => d.fn('avg', `CASE WHEN ${arg0(a)} THEN 1.0 ELSE 0.0 END`),
  },
};

function build(specs: Record<string, Spec>, aggregate: boolean): [string, FunctionSpec][] {
  return Object.entries(specs).map(([name, s]) => [
    name,
    {
      ...s,
      name,
      aggregate,
      min: s.min ?? s.args.length,
      max: s.max ?? s.args.length,
      sameTypes: s.sameTypes ?? [],
      star: s.star ?? false,
      integerLiterals: s.integerLiterals ?? [],
    },
  ]);
}

/** Every function of the language, by lower-case name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map([
  ...build(SCALARS, false),
  ...build(AGGREGATES, true),
]);

/** The function called `name` (case-insensitive), if there is one. */
export function lookupFunction(name: string): FunctionSpec | undefined {
  return FUNCTIONS.get(name.toLowerCase());
}

/** The kind of the i-th argument of `f` (the last kind repeats). */
export function argKind(f: FunctionSpec, i: number): ArgKind {
  return f.args[Math.min(i, f.args.length - 1)] ?? 'any';
}
