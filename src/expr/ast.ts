/**
 * The syntax tree of segtrack's expression language. Every node knows where it was written, so the
 * checker can point at the offending token. Operators are stored in their canonical spelling
 * (`==` becomes `=`, `!=` becomes `<>`, keywords lower-case).
 */

/** A place in the expression text: 0-based character offset and length, 1-based line and column. */
export interface Span {
  offset: number;
  length: number;
  line: number;
  column: number;
}

/** Binary operators: logic, comparison and arithmetic. */
export type BinaryOp = 'or' | 'and' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** Comparison operators (a subset of {@link BinaryOp}). */
export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Arithmetic operators (a subset of {@link BinaryOp}). */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

/** A number as written (`1000`, `0.5`, `1e-3`). Never negative: `-1` is a unary minus. */
export interface NumberExpr {
  kind: 'number';
  value: number;
  span: Span;
}

/** A quoted string, escapes resolved. */
export interface StringExpr {
  kind: 'string';
  value: string;
  span: Span;
}

/** `true` or `false`. */
export interface BooleanExpr {
  kind: 'boolean';
  value: boolean;
  span: Span;
}

/** `null`. */
export interface NullExpr {
  kind: 'null';
  span: Span;
}

/** `date '2024-01-31'` or `timestamp '2024-01-31 10:00:00'`, validated by the parser. */
export interface TemporalExpr {
  kind: 'temporal';
  type: 'date' | 'timestamp';
  /** The text in ISO form (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS[.fff]`). */
  value: string;
  span: Span;
}

/** A feature column, as written (matched against the schema case-insensitively by the checker). */
export interface ColumnExpr {
  kind: 'column';
  name: string;
  span: Span;
}

/** `not x` or `-x`. */
export interface UnaryExpr {
  kind: 'unary';
  op: 'not' | '-';
  operand: Expr;
  opSpan: Span;
  span: Span;
}

/** `a op b`. */
export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  opSpan: Span;
  span: Span;
}

/** `x [not] between low and high`. */
export interface BetweenExpr {
  kind: 'between';
  negated: boolean;
  value: Expr;
  low: Expr;
  high: Expr;
  opSpan: Span;
  span: Span;
}

/** `x [not] in (a, b, …)`. */
export interface InExpr {
  kind: 'in';
  negated: boolean;
  value: Expr;
  list: Expr[];
  opSpan: Span;
  span: Span;
}

/** `x is [not] null`. */
export interface IsNullExpr {
  kind: 'is_null';
  negated: boolean;
  value: Expr;
  opSpan: Span;
  span: Span;
}

/** `x [not] like pattern` (`%` any run of characters, `_` one character, no escape character). */
export interface LikeExpr {
  kind: 'like';
  negated: boolean;
  value: Expr;
  pattern: Expr;
  opSpan: Span;
  span: Span;
}

/** One `when c then v` arm of a {@link CaseExpr}. */
export interface WhenClause {
  when: Expr;
  then: Expr;
}

/** `case when c then v [when …] [else v] end`. */
export interface CaseExpr {
  kind: 'case';
  whens: WhenClause[];
  otherwise: Expr | null;
  span: Span;
}

/** `name(args…)`, or `count(*)` with `star` set and no args. */
export interface CallExpr {
  kind: 'call';
  /** The name as written. */
  name: string;
  nameSpan: Span;
  args: Expr[];
  /** Where `*` was written (`count(*)`), or null. */
  star: Span | null;
  span: Span;
}

/** Any expression node. */
export type Expr =
  | NumberExpr
  | StringExpr
  | BooleanExpr
  | NullExpr
  | TemporalExpr
  | ColumnExpr
  | UnaryExpr
  | BinaryExpr
  | BetweenExpr
  | InExpr
  | IsNullExpr
  | LikeExpr
  | CaseExpr
  | CallExpr;

/** The direct children of a node, in source order. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'null':
    case 'temporal':
    case 'column':
      return [];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'between':
      return [e.value, e.low, e.high];
    case 'in':
      return [e.value, ...e.list];
    case 'is_null':
      return [e.value];
    case 'like':
      return [e.value, e.pattern];
    case 'case':
      return [...e.whens.flatMap((w) => [w.when, w.then]), ...(e.otherwise ? [e.otherwise] : [])];
    case 'call':
      return e.args;
  }
}

/** The span from the start of `a` to the end of `b`. */
export function joinSpans(a: Span, b: Span): Span {
  return { offset: a.offset, length: b.offset + b.length - a.offset, line: a.line, column: a.column };
}
