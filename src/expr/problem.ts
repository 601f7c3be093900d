import { UserError, type Problem } from '../core/errors.js';
import type { Span } from './ast.js';

/**
 * A problem in an expression. Besides the {@link Problem} fields (`at` holds the 1-based line and
 * column within the expression text) it carries the 0-based character `offset` and `length` of the
 * offending token, so a caller that embeds the expression in a file (a rule's `where:` in
 * segtrack.yaml) can map it to the file's own line and column.
 */
export interface ExprProblem extends Problem {
  at: { line: number; column: number };
  offset: number;
  length: number;
}

/**
 * Builds a problem whose message ends with the position (`… at 1:14`), the form every expression
 * error takes.
 *
 * @example exprProblem('type_mismatch', 'cannot compare number with string', span)
 */
export function exprProblem(code: string, message: string, span: Span, hint?: string): ExprProblem {
  const p: ExprProblem = {
    code,
    message: `${message} at ${span.line}:${span.column}`,
    at: { line: span.line, column: span.column },
    offset: span.offset,
    length: span.length,
  };
  if (hint !== undefined) p.hint = hint;
  return p;
}

/** A problem whose message is suffixed with its hint too (`…; did you mean 'x'?`). */
export function withHintInMessage(p: ExprProblem): ExprProblem {
  return p.hint === undefined ? p : { ...p, message: `${p.message}; ${p.hint}` };
}

/** One {@link UserError} holding every problem, in the order they appear in the text. */
export function exprError(problems: ExprProblem[]): UserError {
  return new UserError([...problems].sort((a, b) => a.offset - b.offset));
}

/** The problems of a UserError thrown by this module (for callers that relocate them). */
export function exprProblems(error: UserError): ExprProblem[] {
  return error.problems.filter((p): p is ExprProblem => 'offset' in p);
}
