import type { Expr } from './ast.js';

/**
 * The types of the expression language. `number` covers integers and decimals alike (computed as
 * doubles); `null` is the type of the literal `null` and of expressions that can only be NULL.
 */
export type ExprType = 'number' | 'string' | 'boolean' | 'date' | 'timestamp' | 'null';

/** The feature columns an expression may use, and their types. */
export interface ExprSchema {
  [column: string]: ExprType;
}

/** How an expression is used. */
export interface CompileOptions {
  /**
   * `row`: evaluated per customer (rule conditions); aggregates are errors.
   * `aggregate`: evaluated over a set of customers (custom KPIs); every column must be inside an
   * aggregate such as `avg(…)`.
   */
  mode: 'row' | 'aggregate';
  /** The type the whole expression must have (`boolean` for a rule condition). */
  expect?: ExprType;
  /**
   * The SQL for a column reference, e.g. `(c) => \`f.${dialect.ident(c)}\``; it must be a single
   * SQL term (an identifier or a qualified one). Default: `dialect.ident(column)`.
   */
  qualify?: (column: string) => string;
}

/** A compiled expression. */
export interface Compiled {
  /** Dialect SQL for the expression. */
  sql: string;
  /** The expression's type. */
  type: ExprType;
  /** The feature columns it reads, as named in the schema, in order of first use. */
  columns: string[];
  /** The syntax tree it was compiled from. */
  ast: Expr;
}

/** Every {@link ExprType}, for messages and tests. */
export const EXPR_TYPES: readonly ExprType[] = ['number', 'string', 'boolean', 'date', 'timestamp', 'null'];

/** The type in words, with an article: "a number", "an expression of type null". */
export function typeWords(t: ExprType): string {
  return t === 'null' ? 'null' : `a ${t}`;
}
