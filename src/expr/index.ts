/**
 * segtrack's portable expression language: rule conditions (`revenue_365d >= 1000 and
 * orders_365d >= 5`) and custom KPIs (`avg(case when revenue_365d >= 1000 then 1 else 0 end)`),
 * parsed to a tree, type-checked against the feature columns and compiled to dialect SQL.
 * See CONTEXT.md for the grammar, the types, the functions and the error codes.
 */
export type { Expr, Span, BinaryOp, ComparisonOp, ArithmeticOp } from './ast.js';
export type {
  NumberExpr,
  StringExpr,
  BooleanExpr,
  NullExpr,
  TemporalExpr,
  ColumnExpr,
  UnaryExpr,
  BinaryExpr,
  BetweenExpr,
  InExpr,
  IsNullExpr,
  LikeExpr,
  CaseExpr,
  WhenClause,
  CallExpr,
} from './ast.js';
export { tokenize, KEYWORDS, MAX_EXPRESSION_LENGTH, type Token, type TokenKind } from './lexer.js';
export { parseExpression, MAX_DEPTH } from './parser.js';
export { checkExpression, type CheckOptions, type CheckResult } from './check.js';
export { compileExpression, MAX_SQL_LENGTH } from './compile.js';
export { FUNCTIONS, lookupFunction, type FunctionSpec, type ArgKind } from './functions.js';
export { exprProblems, type ExprProblem } from './problem.js';
export { EXPR_TYPES, type ExprType, type ExprSchema, type CompileOptions, type Compiled } from './types.js';
