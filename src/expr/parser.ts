import { nearest } from '../core/suggest.js';
import {
  children,
  joinSpans,
  type BinaryOp,
  type CaseExpr,
  type ComparisonOp,
  type Expr,
  type Span,
  type WhenClause,
} from './ast.js';
import { parseIsoTemporal } from './dates.js';
import { showText, tokenize, type Token } from './lexer.js';
import { exprError, exprProblem, type ExprProblem } from './problem.js';

/**
 * How deeply expressions may nest (parentheses, operator chains, function calls). Real rules nest a
 * handful of levels; the limit keeps hostile input from exhausting the stack.
 */
export const MAX_DEPTH = 256;

const COMPARISON: Record<string, ComparisonOp> = {
  '=': '=',
  '==': '=',
  '!=': '<>',
  '<>': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** Words that may follow an operand: offered when a misspelt one is found there. */
const OPERATOR_WORDS = ['and', 'or', 'not', 'between', 'in', 'is', 'like'];

/** A syntax error: thrown to stop parsing at once. */
class SyntaxStop extends Error {
  constructor(readonly problem: ExprProblem) {
    super(problem.message);
  }
}

/** What a token is, in words, for "found …" hints. */
function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the expression';
    case 'string':
      return `the string ${showText(t.value)}`;
    case 'number':
      return `the number ${t.value}`;
    case 'quoted_ident':
      return `the name ${showText(t.value)}`;
    default:
      return showText(t.value);
  }
}

/** Recursive descent over the token list; see CONTEXT.md for the grammar. */
class Parser {
  private i = 0;
  private nesting = 0;
  private readonly depth = new WeakMap<Expr, number>();
  /** Problems that do not stop parsing (an impossible date literal). */
  readonly problems: ExprProblem[] = [];

  constructor(private readonly tokens: Token[]) {}

  private get tok(): Token {
    return this.tokens[this.i]!;
  }

  private peek(k = 1): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isKeyword(word: string, t: Token = this.tok): boolean {
    return t.kind === 'keyword' && t.value === word;
  }

  private isOp(op: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.value === op;
  }

  private fail(expected: string, t: Token = this.tok, hint?: string): never {
    throw new SyntaxStop(
      exprProblem('syntax_error', `expected ${expected}`, t.span, hint ?? `found ${describe(t)}`),
    );
  }

  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) this.fail(`'${word}'`);
    return this.next();
  }

  private expectClose(open: Token): Token {
    if (this.isOp(')')) return this.next();
    const where = `the '(' at ${open.span.line}:${open.span.column}`;
    return this.fail(
      "')'",
      this.tok,
      `found ${describe(this.tok)}; ${this.tok.kind === 'eof' ? `${where} is not closed` : `it closes ${where}`}`,
    );
  }

  /** Records a node's depth and stops when it is too deep. */
  private node<T extends Expr>(e: T): T {
    let d = 0;
    for (const c of children(e)) d = Math.max(d, this.depth.get(c) ?? 0);
    if (d + 1 > MAX_DEPTH) this.tooDeep(e.span);
    this.depth.set(e, d + 1);
    return e;
  }

  private tooDeep(span: Span): never {
    throw new SyntaxStop(
      exprProblem(
        'expression_too_deep',
        `the expression nests more than ${MAX_DEPTH} levels deep`,
        span,
        "split it into simpler conditions; a long list of alternatives reads better as 'x in (a, b, …)'",
      ),
    );
  }

  /** Runs a parse step one nesting level deeper. */
  private nested<T>(work: () => T): T {
    if (++this.nesting > MAX_DEPTH) this.tooDeep(this.tok.span);
    try {
      return work();
    } finally {
      this.nesting--;
    }
  }

  parseTop(): Expr {
    const e = this.parseOr();
    const t = this.tok;
    if (t.kind === 'eof') return e;
    if (t.kind === 'op' && COMPARISON[t.value] !== undefined)
      this.fail(
        "'and', 'or' or the end of the expression",
        t,
        `comparisons do not chain: join them with 'and', e.g. 'a < b and b < c'`,
      );
    if (this.isOp(')')) this.fail('the end of the expression', t, "found ')' without a matching '('");
    let hint = `found ${describe(t)}`;
    if (t.kind === 'ident') {
      const n = nearest(t.value, OPERATOR_WORDS);
      if (n !== undefined) hint += `; did you mean '${n}'?`;
    }
    return this.fail('an operator or the end of the expression', t, hint);
  }

  private parseOr(): Expr {
    return this.nested(() => {
      let left = this.parseAnd();
      while (this.isKeyword('or')) {
        const op = this.next();
        const right = this.parseAnd();
        left = this.binary('or', left, right, op.span);
      }
      return left;
    });
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKeyword('and')) {
      const op = this.next();
      const right = this.parseNot();
      left = this.binary('and', left, right, op.span);
    }
    return left;
  }

  private parseNot(): Expr {
    if (!this.isKeyword('not')) return this.parsePredicate();
    const op = this.next();
    const operand = this.nested(() => this.parseNot());
    return this.node({
      kind: 'unary',
      op: 'not',
      operand,
      opSpan: op.span,
      span: joinSpans(op.span, operand.span),
    });
  }

  private binary(op: BinaryOp, left: Expr, right: Expr, opSpan: Span): Expr {
    return this.node({ kind: 'binary', op, left, right, opSpan, span: joinSpans(left.span, right.span) });
  }

  private parsePredicate(): Expr {
    const left = this.parseAdditive();
    const t = this.tok;
    if (t.kind === 'op') {
      const op = COMPARISON[t.value];
      if (op === undefined) return left;
      this.next();
      return this.binary(op, left, this.parseAdditive(), t.span);
    }
    if (t.kind !== 'keyword') return left;
    if (t.value === 'is') {
      this.next();
      const negated = this.isKeyword('not');
      if (negated) this.next();
      const end = this.expectKeyword('null');
      return this.node({
        kind: 'is_null',
        negated,
        value: left,
        opSpan: t.span,
        span: joinSpans(left.span, end.span),
      });
    }
    let negated = false;
    if (t.value === 'not') {
      const after = this.peek();
      if (!(after.kind === 'keyword' && ['between', 'in', 'like'].includes(after.value)))
        this.fail("'between', 'in' or 'like' after 'not'", after);
      negated = true;
      this.next();
    }
    if (this.isKeyword('between')) {
      this.next();
      const low = this.parseAdditive();
      this.expectKeyword('and');
      const high = this.parseAdditive();
      return this.node({
        kind: 'between',
        negated,
        value: left,
        low,
        high,
        opSpan: t.span,
        span: joinSpans(left.span, high.span),
      });
    }
    if (this.isKeyword('in')) {
      this.next();
      if (!this.isOp('(')) this.fail("'(' after 'in'");
      const open = this.next();
      const list = [this.parseOr()];
      while (this.isOp(',')) {
        this.next();
        list.push(this.parseOr());
      }
      const close = this.expectClose(open);
      return this.node({
        kind: 'in',
        negated,
        value: left,
        list,
        opSpan: t.span,
        span: joinSpans(left.span, close.span),
      });
    }
    if (this.isKeyword('like')) {
      this.next();
      const pattern = this.parseAdditive();
      return this.node({
        kind: 'like',
        negated,
        value: left,
        pattern,
        opSpan: t.span,
        span: joinSpans(left.span, pattern.span),
      });
    }
    // Any other keyword ('and', 'then', …) ends the predicate; 'not' was checked above.
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next();
      const right = this.parseMultiplicative();
      left = this.binary(op.value as BinaryOp, left, right, op.span);
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next();
      const right = this.parseUnary();
      left = this.binary(op.value as BinaryOp, left, right, op.span);
    }
    return left;
  }

  private parseUnary(): Expr {
    if (!this.isOp('-')) return this.parsePrimary();
    const op = this.next();
    const operand = this.nested(() => this.parseUnary());
    return this.node({
      kind: 'unary',
      op: '-',
      operand,
      opSpan: op.span,
      span: joinSpans(op.span, operand.span),
    });
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'number':
        this.next();
        return this.node({ kind: 'number', value: t.num, span: t.span });
      case 'string':
        this.next();
        return this.node({ kind: 'string', value: t.value, span: t.span });
      case 'quoted_ident':
        this.next();
        return this.node({ kind: 'column', name: t.value, span: t.span });
      case 'ident':
        return this.parseName();
      case 'keyword':
        if (t.value === 'true' || t.value === 'false') {
          this.next();
          return this.node({ kind: 'boolean', value: t.value === 'true', span: t.span });
        }
        if (t.value === 'null') {
          this.next();
          return this.node({ kind: 'null', span: t.span });
        }
        if (t.value === 'case') return this.nested(() => this.parseCase());
        return this.fail('an expression', t);
      case 'op':
        if (t.value === '(') {
          const open = this.next();
          const inner = this.parseOr();
          this.expectClose(open);
          return inner;
        }
        return this.fail('an expression', t);
      case 'eof':
        return this.fail('an expression', t);
    }
  }

  /** A column, a function call, or a `date '…'` / `timestamp '…'` literal. */
  private parseName(): Expr {
    const t = this.next();
    const lower = t.value.toLowerCase();
    const after = this.tok;
    if ((lower === 'date' || lower === 'timestamp') && after.kind === 'string') {
      this.next();
      const span = joinSpans(t.span, after.span);
      const parsed = parseIsoTemporal(after.value);
      if (parsed === undefined || (lower === 'date' && parsed.type !== 'date')) {
        this.problems.push(
          exprProblem(
            'invalid_date',
            `invalid ${lower} ${showText(after.value)}`,
            after.span,
            lower === 'date'
              ? "write a day that exists as 'YYYY-MM-DD', e.g. date '2024-01-31'"
              : "write 'YYYY-MM-DD HH:MM:SS', e.g. timestamp '2024-01-31 09:30:00'",
          ),
        );
        return this.node({ kind: 'null', span });
      }
      const type = lower === 'date' ? 'date' : 'timestamp';
      const value =
        type === 'timestamp' && parsed.type === 'date' ? `${parsed.value} 00:00:00` : parsed.value;
      return this.node({ kind: 'temporal', type, value, span });
    }
    if (!this.isOp('(')) return this.node({ kind: 'column', name: t.value, span: t.span });
    const open = this.next();
    return this.nested(() => {
      const args: Expr[] = [];
      let star: Span | null = null;
      if (this.isOp('*') && this.isOp(')', this.peek())) {
        star = this.next().span;
      } else if (!this.isOp(')')) {
        args.push(this.parseOr());
        while (this.isOp(',')) {
          this.next();
          args.push(this.parseOr());
        }
      }
      const close = this.expectClose(open);
      return this.node({
        kind: 'call',
        name: t.value,
        nameSpan: t.span,
        args,
        star,
        span: joinSpans(t.span, close.span),
      });
    });
  }

  private parseCase(): CaseExpr {
    const start = this.next();
    const whens: WhenClause[] = [];
    while (this.isKeyword('when')) {
      this.next();
      const when = this.parseOr();
      this.expectKeyword('then');
      const then = this.parseOr();
      whens.push({ when, then });
    }
    if (whens.length === 0) this.fail("'when' after 'case'");
    let otherwise: Expr | null = null;
    if (this.isKeyword('else')) {
      this.next();
      otherwise = this.parseOr();
    }
    if (!this.isKeyword('end'))
      this.fail(
        otherwise === null ? "'when', 'else' or 'end'" : "'end'",
        this.tok,
        `found ${describe(this.tok)}; the 'case' at ${start.span.line}:${start.span.column} needs an 'end'`,
      );
    const end = this.next();
    return this.node({ kind: 'case', whens, otherwise, span: joinSpans(start.span, end.span) });
  }
}

/**
 * Parses an expression into its syntax tree. Throws a {@link UserError} (codes `syntax_error`,
 * `invalid_character`, `unterminated_string`, `invalid_date`, …) pointing at the offending token.
 *
 * @example parseExpression('revenue_365d >= 1000 and orders_365d >= 5')
 */
export function parseExpression(text: string): Expr {
  const parser = new Parser(tokenize(text));
  try {
    const e = parser.parseTop();
    if (parser.problems.length > 0) throw exprError(parser.problems);
    return e;
  } catch (err) {
    if (err instanceof SyntaxStop) throw exprError([...parser.problems, err.problem]);
    throw err;
  }
}
