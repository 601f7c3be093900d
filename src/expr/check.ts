import { nearest } from '../core/suggest.js';
import type { CallExpr, ColumnExpr, Expr, Span, StringExpr } from './ast.js';
import { parseIsoTemporal, type IsoTemporal } from './dates.js';
import { argKind, FUNCTIONS, lookupFunction, type FunctionSpec } from './functions.js';
import { showText } from './lexer.js';
import { exprProblem, withHintInMessage, type ExprProblem } from './problem.js';
import { typeWords, type ExprSchema, type ExprType } from './types.js';

/** What the checker needs to know about the use of an expression. */
export interface CheckOptions {
  mode: 'row' | 'aggregate';
  expect?: ExprType;
}

/** What the checker learnt about a tree: the compiler's input. */
export interface CheckResult {
  /** The type of the whole expression. */
  type: ExprType;
  /** Schema columns used, in order of first use. */
  columns: string[];
  /** Every problem found (empty when the expression is valid). */
  problems: ExprProblem[];
  /** The type of every node. */
  types: Map<Expr, ExprType>;
  /** The schema name each column reference resolved to. */
  resolved: Map<ColumnExpr, string>;
  /** String literals that are read as dates or timestamps (compared with a date column, …). */
  coerced: Map<StringExpr, IsoTemporal>;
}

/** A type while checking: `error` marks a node already reported, compatible with anything. */
type T = ExprType | 'error';

const TEMPORAL = new Set<T>(['date', 'timestamp']);

function family(t: T): string {
  return TEMPORAL.has(t) ? 'temporal' : t;
}

/** "a number, a string or a date", for messages. */
function oneOf(types: readonly ExprType[]): string {
  const words = types.map(typeWords);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}`;
}

/** A hint for a value used where a condition is needed. */
function conditionHint(e: Expr, t: T): string | undefined {
  if (t === 'number' && e.kind === 'column') return `compare it, e.g. '${e.name} > 0'`;
  if (t === 'string' && e.kind === 'column') return `compare it, e.g. "${e.name} = 'text'"`;
  return undefined;
}

class Checker {
  readonly problems: ExprProblem[] = [];
  readonly types = new Map<Expr, ExprType>();
  readonly resolved = new Map<ColumnExpr, string>();
  readonly coerced = new Map<StringExpr, IsoTemporal>();
  readonly columns: string[] = [];
  private readonly exact = new Map<string, ExprType>();
  private readonly folded = new Map<string, string[]>();
  /** The aggregate call being checked, while checking its arguments. */
  private aggregate: CallExpr | null = null;
  /** How many unknown functions enclose the node being checked. */
  private unknownCalls = 0;

  constructor(
    schema: ExprSchema,
    private readonly mode: 'row' | 'aggregate',
  ) {
    for (const [name, type] of Object.entries(schema)) {
      this.exact.set(name, type);
      const key = name.toLowerCase();
      this.folded.set(key, [...(this.folded.get(key) ?? []), name]);
    }
  }

  private problem(code: string, message: string, span: Span, hint?: string): void {
    this.problems.push(exprProblem(code, message, span, hint));
  }

  visit(e: Expr): T {
    const t = this.visitNode(e);
    this.types.set(e, t === 'error' ? 'null' : t);
    return t;
  }

  private visitNode(e: Expr): T {
    switch (e.kind) {
      case 'number':
        return 'number';
      case 'string':
        return 'string';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'temporal':
        return e.type;
      case 'column':
        return this.column(e);
      case 'unary':
        if (e.op === 'not') {
          this.condition(e.operand, "'not'");
          return 'boolean';
        }
        this.number(e.operand, "'-'", e.opSpan);
        return 'number';
      case 'binary':
        switch (e.op) {
          case 'and':
          case 'or':
            this.condition(e.left, `'${e.op}'`);
            this.condition(e.right, `'${e.op}'`);
            return 'boolean';
          case '=':
          case '<>':
          case '<':
          case '<=':
          case '>':
          case '>=':
            this.compare(e.left, this.visit(e.left), e.right, this.visit(e.right), e.opSpan);
            return 'boolean';
          default: {
            const l = this.visit(e.left);
            const r = this.visit(e.right);
            if (l === 'error' || r === 'error') return 'number';
            if ((l === 'number' || l === 'null') && (r === 'number' || r === 'null')) return 'number';
            const temporal = TEMPORAL.has(l) || TEMPORAL.has(r);
            this.problem(
              'type_mismatch',
              `cannot apply '${e.op}' to ${l} and ${r}`,
              e.opSpan,
              temporal
                ? 'for the days between two dates use days_between(from, to)'
                : 'arithmetic needs numbers',
            );
            return 'error';
          }
        }
      case 'between': {
        const v = this.visit(e.value);
        this.compare(e.value, v, e.low, this.visit(e.low), e.opSpan);
        this.compare(e.value, v, e.high, this.visit(e.high), e.opSpan);
        return 'boolean';
      }
      case 'in': {
        const v = this.visit(e.value);
        for (const item of e.list) this.compare(e.value, v, item, this.visit(item), item.span);
        return 'boolean';
      }
      case 'is_null':
        this.visit(e.value);
        return 'boolean';
      case 'like':
        for (const side of [e.value, e.pattern]) {
          const t = this.visit(side);
          if (t !== 'string' && t !== 'null' && t !== 'error')
            this.problem('type_mismatch', `'like' needs text, got ${typeWords(t)}`, side.span);
        }
        return 'boolean';
      case 'case': {
        for (const w of e.whens) this.condition(w.when, "'when'");
        const results = [...e.whens.map((w) => w.then), ...(e.otherwise ? [e.otherwise] : [])];
        return this.unify(
          results,
          results.map((r) => this.visit(r)),
          'the branches of case',
        );
      }
      case 'call':
        return this.call(e);
    }
  }

  private column(e: ColumnExpr): T {
    let name: string | undefined = this.exact.has(e.name) ? e.name : undefined;
    if (name === undefined) {
      const candidates = this.folded.get(e.name.toLowerCase()) ?? [];
      if (candidates.length > 1) {
        this.problem(
          'ambiguous_feature',
          `feature ${showText(e.name)} matches ${candidates.map((c) => `'${c}'`).join(' and ')}`,
          e.span,
          'write the name with the exact case',
        );
        return 'error';
      }
      name = candidates[0];
    }
    if (name === undefined) {
      const near = nearest(e.name, this.exact.keys());
      const f = lookupFunction(e.name);
      let hint: string;
      if (near !== undefined) hint = `did you mean '${near}'?`;
      else if (f !== undefined) hint = `'${f.name}' is a function: write ${f.signature}`;
      else {
        const names = [...this.exact.keys()];
        hint =
          names.length === 0
            ? 'no feature columns are available here'
            : `features: ${names
                .slice(0, 12)
                .map((n) => `'${n}'`)
                .join(', ')}${names.length > 12 ? ', …' : ''}`;
      }
      const p = exprProblem('unknown_feature', `unknown feature ${showText(e.name)}`, e.span, hint);
      this.problems.push(near !== undefined ? withHintInMessage(p) : p);
      return 'error';
    }
    this.resolved.set(e, name);
    if (!this.columns.includes(name)) this.columns.push(name);
    if (this.mode === 'aggregate' && this.aggregate === null && this.unknownCalls === 0)
      this.problem(
        'column_outside_aggregate',
        `feature '${name}' is used outside an aggregate`,
        e.span,
        `a KPI is computed over many customers: wrap it in an aggregate such as avg(${name}) or sum(${name})`,
      );
    return this.exact.get(name)!;
  }

  /** Checks that `e` is a condition (boolean). */
  private condition(e: Expr, what: string): void {
    const t = this.visit(e);
    if (t === 'boolean' || t === 'null' || t === 'error') return;
    this.problem(
      'type_mismatch',
      `${what} expects a condition, got ${typeWords(t)}`,
      e.span,
      conditionHint(e, t),
    );
  }

  private number(e: Expr, what: string, span: Span): void {
    const t = this.visit(e);
    if (t === 'number' || t === 'null' || t === 'error') return;
    this.problem('type_mismatch', `${what} expects a number, got ${typeWords(t)}`, span);
  }

  /** Reads a string literal as a date or timestamp; reports it when it is neither. */
  private coerce(e: StringExpr): T {
    const parsed = parseIsoTemporal(e.value);
    if (parsed === undefined) {
      this.problem(
        'invalid_date',
        `${showText(e.value)} is not a date`,
        e.span,
        "write a day that exists as 'YYYY-MM-DD' (or 'YYYY-MM-DD HH:MM:SS')",
      );
      return 'error';
    }
    this.coerced.set(e, parsed);
    this.types.set(e, parsed.type);
    return parsed.type;
  }

  /** Checks that two operands can be compared (`=`, `<`, `between`, `in`). */
  private compare(a: Expr, ta: T, b: Expr, tb: T, span: Span): void {
    for (const side of [a, b])
      if (side.kind === 'null') {
        this.problem(
          'compare_with_null',
          'a comparison with null is never true',
          side.span,
          "test for a missing value with 'is null' or 'is not null'",
        );
        return;
      }
    if (TEMPORAL.has(ta) && b.kind === 'string') tb = this.coerce(b);
    else if (TEMPORAL.has(tb) && a.kind === 'string') ta = this.coerce(a);
    if (ta === 'error' || tb === 'error' || ta === 'null' || tb === 'null') return;
    if (family(ta) === family(tb)) return;
    let hint: string | undefined;
    const lit = a.kind === 'string' ? a : b.kind === 'string' ? b : undefined;
    if (
      lit !== undefined &&
      (ta === 'number' || tb === 'number') &&
      Number.isFinite(Number(lit.value)) &&
      lit.value.trim() !== ''
    )
      hint = `write the number without quotes: ${lit.value.trim()}`;
    else if (lit !== undefined && (ta === 'boolean' || tb === 'boolean') && /^(true|false)$/i.test(lit.value))
      hint = `write ${lit.value.toLowerCase()} without quotes`;
    this.problem('type_mismatch', `cannot compare ${ta} with ${tb}`, span, hint);
  }

  /**
   * The common type of `nodes` (case branches, `same` arguments): one family, date and timestamp
   * together being timestamp; string literals are read as dates next to a date.
   */
  private unify(
    nodes: Expr[],
    types: T[],
    what: string,
    allowed?: readonly ExprType[],
    fn?: FunctionSpec,
  ): T {
    if (types.some((t) => TEMPORAL.has(t)))
      nodes.forEach((n, i) => {
        if (n.kind === 'string') types[i] = this.coerce(n);
      });
    let result: T = 'null';
    let first: Expr | undefined;
    for (let i = 0; i < nodes.length; i++) {
      const t = types[i]!;
      const n = nodes[i]!;
      if (t === 'error') return 'error';
      if (t === 'null') continue;
      if (allowed !== undefined && !allowed.includes(t)) {
        this.problem(
          'type_mismatch',
          `${fn?.name ?? what} expects ${oneOf(allowed)}, got ${typeWords(t)}`,
          n.span,
        );
        return 'error';
      }
      if (result === 'null') {
        result = t;
        first = n;
        continue;
      }
      if (family(result) !== family(t)) {
        const at = first ? ` (${first.span.line}:${first.span.column})` : '';
        this.problem('type_mismatch', `${what} have different types: ${result}${at} and ${t}`, n.span);
        return 'error';
      }
      if (t === 'timestamp') result = 'timestamp';
    }
    return result;
  }

  private call(e: CallExpr): T {
    const f = lookupFunction(e.name);
    if (f === undefined) {
      const names = [...FUNCTIONS.values()]
        .filter((s) => this.mode === 'aggregate' || !s.aggregate)
        .map((s) => s.name);
      const near = nearest(e.name, [...FUNCTIONS.keys()]);
      const isColumn = this.exact.has(e.name) || this.folded.has(e.name.toLowerCase());
      const hint =
        near !== undefined
          ? `did you mean '${near}'?`
          : isColumn
            ? `'${e.name}' is a feature, not a function`
            : `functions: ${names.join(', ')}`;
      const p = exprProblem('unknown_function', `unknown function ${showText(e.name)}`, e.nameSpan, hint);
      this.problems.push(near !== undefined ? withHintInMessage(p) : p);
      // Whether it was meant as an aggregate is unknown: check the arguments without the
      // aggregate-placement rules, which would only add noise.
      this.unknownCalls++;
      try {
        for (const a of e.args) this.visit(a);
      } finally {
        this.unknownCalls--;
      }
      return 'error';
    }
    const outer = this.aggregate;
    if (f.aggregate) {
      if (this.mode === 'row')
        this.problem(
          'aggregate_in_row',
          `aggregate '${f.name}' cannot be used in a row expression`,
          e.nameSpan,
          'a rule condition looks at one customer at a time; aggregates belong in custom KPI expressions',
        );
      else if (outer !== null && this.unknownCalls === 0)
        this.problem(
          'nested_aggregate',
          `aggregate '${f.name}' inside aggregate '${outer.name}'`,
          e.nameSpan,
          'aggregates cannot be nested',
        );
      this.aggregate = e;
    }
    try {
      return this.callBody(e, f);
    } finally {
      this.aggregate = outer;
    }
  }

  private callBody(e: CallExpr, f: FunctionSpec): T {
    const types = e.args.map((a) => this.visit(a));
    if (e.star !== null) {
      if (!f.star)
        this.problem('invalid_argument', `'*' is only allowed in count(*)`, e.star, `usage: ${f.signature}`);
      return f.returns === 'same' ? 'error' : f.returns;
    }
    const n = e.args.length;
    if (n < f.min || n > f.max) {
      const range =
        f.max === Infinity
          ? `at least ${f.min}`
          : f.min === f.max
            ? `${f.min}`
            : f.max === f.min + 1
              ? `${f.min} or ${f.max}`
              : `${f.min} to ${f.max}`;
      const noun = f.min === 1 && f.max === 1 ? 'argument' : 'arguments';
      this.problem(
        'wrong_arguments',
        `${f.name} takes ${range} ${noun}, got ${n}`,
        e.nameSpan,
        `usage: ${f.signature}`,
      );
      return f.returns === 'same' ? 'error' : f.returns;
    }
    const same: number[] = [];
    e.args.forEach((a, i) => {
      const t = types[i]!;
      const kind = argKind(f, i);
      if (f.integerLiterals.includes(i) && wholeNumber(a) === undefined) {
        this.problem(
          'invalid_argument',
          `the ${i === 1 ? 'second' : `#${i + 1}`} argument of ${f.name} must be a whole number such as 2`,
          a.span,
          `usage: ${f.signature}`,
        );
        return;
      }
      if (kind === 'same') {
        same.push(i);
        return;
      }
      if (t === 'error' || t === 'null' || kind === 'any') return;
      if (kind === 'temporal') {
        if (TEMPORAL.has(t)) return;
        if (a.kind === 'string') {
          this.coerce(a);
          return;
        }
        this.problem('type_mismatch', `${f.name} expects a date or timestamp, got ${typeWords(t)}`, a.span);
        return;
      }
      if (t === kind) return;
      let hint: string | undefined;
      if (kind === 'number' && t === 'boolean' && f.aggregate)
        hint = `for the fraction of customers where it is true, use share(…)`;
      else if (kind === 'boolean') hint = conditionHint(a, t) ?? `usage: ${f.signature}`;
      this.problem(
        'type_mismatch',
        `${f.name} expects ${typeWords(kind)}, got ${typeWords(t)}`,
        a.span,
        hint,
      );
    });
    const sameType =
      same.length > 0
        ? this.unify(
            same.map((i) => e.args[i]!),
            same.map((i) => types[i]!),
            `the arguments of ${f.name}`,
            f.sameTypes,
            f,
          )
        : 'null';
    return f.returns === 'same' ? sameType : f.returns;
  }
}

/** The value of a whole-number literal (optionally negated), if `e` is one. */
export function wholeNumber(e: Expr): number | undefined {
  if (e.kind === 'number') return Number.isInteger(e.value) && Math.abs(e.value) <= 30 ? e.value : undefined;
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') {
    const v = wholeNumber(e.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/**
 * Type-checks a parsed expression against the feature schema. Collects every problem (unknown
 * features and functions, type mismatches, aggregates in the wrong place) instead of stopping at
 * the first.
 */
export function checkExpression(ast: Expr, schema: ExprSchema, options: CheckOptions): CheckResult {
  const c = new Checker(schema, options.mode);
  const t = c.visit(ast);
  const expect = options.expect;
  if (expect !== undefined && t !== 'error' && t !== expect && !(expect === 'timestamp' && t === 'date')) {
    const hint =
      expect === 'boolean'
        ? (conditionHint(ast, t) ?? "a condition is true or false, e.g. 'revenue_365d > 0'")
        : undefined;
    c.problems.push(
      exprProblem(
        'wrong_type',
        `the expression is ${typeWords(t)}, expected ${typeWords(expect)}`,
        ast.span,
        hint,
      ),
    );
  }
  return {
    type: t === 'error' ? 'null' : t,
    columns: c.columns,
    problems: c.problems,
    types: c.types,
    resolved: c.resolved,
    coerced: c.coerced,
  };
}
