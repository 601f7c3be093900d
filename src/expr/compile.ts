import type { Dialect } from '../dialect/dialect.js';
import type { Expr } from './ast.js';
import { checkExpression, type CheckResult } from './check.js';
import { lookupFunction } from './functions.js';
import { parseExpression } from './parser.js';
import { exprError, exprProblem } from './problem.js';
import type { CompileOptions, Compiled, ExprSchema } from './types.js';

/**
 * Longest SQL a compiled expression may reach. `sqrt` repeats its argument, so nesting it doubles
 * the SQL; this stops hostile input long before memory runs out.
 */
export const MAX_SQL_LENGTH = 8_000_000;

/** Functions whose SQL type follows their arguments' (INTEGER in, INTEGER out). */
const TYPE_PRESERVING = new Set(['abs', 'round', 'least', 'greatest', 'coalesce']);

/** A compiled node. */
interface Out {
  sql: string;
  /** A single SQL term (identifier, literal, call, CASE…END, parenthesised): safe as an operand. */
  atomic: boolean;
  /**
   * The SQL type comes from number literals only (INTEGER or DECIMAL in most engines), so
   * arithmetic between two such terms could overflow or lose the double semantics of the language.
   */
  literal: boolean;
}

const COMPARISON_SQL: Record<string, string> = {
  '=': '=',
  '<>': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

class Compiler {
  constructor(
    private readonly checked: CheckResult,
    private readonly d: Dialect,
    private readonly qualify: (column: string) => string,
  ) {}

  /** The SQL of `o` as a single term. */
  wrap(o: Out): string {
    return o.atomic && !o.sql.startsWith('-') ? o.sql : `(${o.sql})`;
  }

  compile(e: Expr): Out {
    const out = this.node(e);
    if (out.sql.length > MAX_SQL_LENGTH)
      throw exprError([
        exprProblem(
          'expression_too_large',
          `the expression compiles to more than ${MAX_SQL_LENGTH} characters of SQL`,
          e.span,
          'simplify it (nested sqrt() doubles its argument)',
        ),
      ]);
    return out;
  }

  private term(sql: string, literal = false): Out {
    return { sql, atomic: true, literal };
  }

  private composite(sql: string, literal = false): Out {
    return { sql, atomic: false, literal };
  }

  private node(e: Expr): Out {
    const d = this.d;
    switch (e.kind) {
      case 'number':
        // Whole numbers stay as written (INTEGER/BIGINT); anything else is a double, as the
        // language defines numbers: a DECIMAL literal would make `orders * 0.1` exact in one
        // engine and not in another, and long chains of decimals overflow DuckDB's DECIMAL scale.
        return Number.isSafeInteger(e.value)
          ? this.term(d.literal(e.value), true)
          : this.term(d.cast(d.literal(e.value), 'double'));
      case 'string': {
        const iso = this.checked.coerced.get(e);
        return this.term(iso ? d.cast(d.literal(iso.value), iso.type) : d.literal(e.value));
      }
      case 'boolean':
        return this.term(d.literal(e.value));
      case 'null':
        return this.term(d.literal(null), true);
      case 'temporal':
        return this.term(d.cast(d.literal(e.value), e.type));
      case 'column': {
        const name = this.checked.resolved.get(e);
        if (name === undefined) throw new Error(`column ${e.name} was not resolved by the checker`);
        return this.term(this.qualify(name));
      }
      case 'unary': {
        const x = this.compile(e.operand);
        return e.op === 'not'
          ? this.composite(`NOT ${this.wrap(x)}`)
          : this.composite(`-${this.wrap(x)}`, x.literal);
      }
      case 'binary': {
        if (e.op === 'and' || e.op === 'or') {
          // Flatten chains of one operator: `a AND b AND c` (both are associative, also over NULL).
          const side = (s: Expr) => {
            const o = this.compile(s);
            return s.kind === 'binary' && s.op === e.op ? o.sql : this.wrap(o);
          };
          return this.composite(`${side(e.left)} ${e.op.toUpperCase()} ${side(e.right)}`);
        }
        const l = this.compile(e.left);
        const r = this.compile(e.right);
        const comparison = COMPARISON_SQL[e.op];
        if (comparison !== undefined) return this.composite(`${this.wrap(l)} ${comparison} ${this.wrap(r)}`);
        // Two literal-typed terms (`1000000 * 1000000`) would be INTEGER arithmetic: make it double.
        const left = l.literal && r.literal ? d.cast(l.sql, 'double') : this.wrap(l);
        // Division and remainder by zero give NULL instead of failing the whole query.
        const right = e.op === '/' || e.op === '%' ? d.fn('nullif', this.wrap(r), '0') : this.wrap(r);
        return this.composite(`${left} ${e.op} ${right}`);
      }
      case 'between': {
        const [v, lo, hi] = [e.value, e.low, e.high].map((x) => this.wrap(this.compile(x)));
        return this.composite(`${v!} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${lo!} AND ${hi!}`);
      }
      case 'in': {
        const v = this.wrap(this.compile(e.value));
        const items = e.list.map((x) => this.compile(x).sql);
        return this.composite(`${v} ${e.negated ? 'NOT IN' : 'IN'} (${items.join(', ')})`);
      }
      case 'is_null':
        return this.composite(`${this.wrap(this.compile(e.value))} ${e.negated ? 'IS NOT NULL' : 'IS NULL'}`);
      case 'like': {
        const v = this.wrap(this.compile(e.value));
        const p = this.wrap(this.compile(e.pattern));
        // No ESCAPE clause: DuckDB's LIKE has no escape character, so `\` is an ordinary one.
        // (`ESCAPE ''` would not do: DuckDB then treats NUL as the escape character.)
        return this.composite(`${v} ${e.negated ? 'NOT LIKE' : 'LIKE'} ${p}`);
      }
      case 'case': {
        const parts = ['CASE'];
        let literal = true;
        const result = (x: Expr) => {
          const o = this.compile(x);
          literal &&= o.literal;
          return o.sql;
        };
        for (const w of e.whens) parts.push(`WHEN ${this.compile(w.when).sql} THEN ${result(w.then)}`);
        if (e.otherwise) parts.push(`ELSE ${result(e.otherwise)}`);
        parts.push('END');
        return this.term(parts.join(' '), literal);
      }
      case 'call': {
        const f = lookupFunction(e.name);
        if (f === undefined) throw new Error(`function ${e.name} was not checked`);
        const args = e.args.map((a) => this.compile(a));
        const literal = !f.aggregate && TYPE_PRESERVING.has(f.name) && args.every((a) => a.literal);
        return this.term(
          f.sql(
            args.map((a) => this.wrap(a)),
            d,
            e.star !== null,
          ),
          literal,
        );
      }
    }
  }
}

/**
 * Parses, type-checks and compiles an expression of segtrack's rule language to SQL for
 * `dialect`. Values enter the SQL only through `dialect.literal`, columns only through
 * `options.qualify` (default `dialect.ident`). The SQL is one term: composite expressions come
 * back in parentheses, so they can be combined with other SQL as they are.
 *
 * Throws a {@link UserError} holding every problem found (syntax errors stop at the first).
 *
 * @example
 * compileExpression('revenue_365d >= 1000 and orders_365d >= 5',
 *   { revenue_365d: 'number', orders_365d: 'number' }, dialect, { mode: 'row', expect: 'boolean' }).sql
 * // '(("revenue_365d" >= 1000) AND ("orders_365d" >= 5))'
 */
export function compileExpression(
  text: string,
  schema: ExprSchema,
  dialect: Dialect,
  options: CompileOptions,
): Compiled {
  const ast = parseExpression(text);
  const checked = checkExpression(
    ast,
    schema,
    options.expect === undefined ? { mode: options.mode } : { mode: options.mode, expect: options.expect },
  );
  if (checked.problems.length > 0) throw exprError(checked.problems);
  const qualify = options.qualify ?? ((c: string) => dialect.ident(c));
  const compiler = new Compiler(checked, dialect, qualify);
  const out = compiler.compile(ast);
  return { sql: compiler.wrap(out), type: checked.type, columns: checked.columns, ast };
}
