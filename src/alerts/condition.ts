/**
 * The `when:` condition of an alert rule: a small language over the measures of one KPI of one
 * segment in one snapshot (`change > 0.05`, `value < 100 and customers >= 50`,
 * `abs(anomaly) > 3.5`). It is written with the lexer and parser of segtrack's expression language
 * (src/expr), so positions and syntax errors read the same as in segment rules; this file checks
 * the tree against the alert measures and evaluates it in TypeScript (no SQL). Pure.
 * The grammar and the measures are documented in ./CONTEXT.md.
 */
import { UserError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Expr } from '../expr/ast.js';
import { parseExpression } from '../expr/parser.js';
import { exprProblem, exprProblems, type ExprProblem } from '../expr/problem.js';

/** What a condition can refer to, for one KPI of one segment in one snapshot. */
export const MEASURES = ['value', 'previous', 'change', 'pct_change', 'anomaly', 'customers'] as const;

/** One of {@link MEASURES}. */
export type Measure = (typeof MEASURES)[number];

/**
 * The measures' values; null when not available (no previous snapshot, too short a history,
 * a previous value of 0 for `pct_change`). A comparison with null is null, never true.
 */
export type Measures = Record<Measure, number | null>;

/** A checked condition, ready for {@link evaluateCondition}. */
export interface AlertCondition {
  /** The text as written. */
  text: string;
  ast: Expr;
  /** The measures it uses, in order of first use. */
  measures: Measure[];
}

/** The functions a condition may call. */
const FUNCTIONS: Record<string, { arity: number; apply: (x: number) => number }> = {
  abs: { arity: 1, apply: Math.abs },
};

const SUPPORTED_HINT =
  'a condition compares measures (value, previous, change, pct_change, anomaly, customers) with numbers, ' +
  'e.g. `change > 0.05` or `value < 100 and customers >= 50`; it may use + - * /, abs(), between, and, or, not';

type Kind = 'number' | 'boolean';

/**
 * Parses and checks a condition. Returns the condition, or every problem found (syntax errors
 * first, as the expression language reports them; then every unknown measure and misuse), each
 * with `at` relative to the condition text and a hint.
 *
 * @example parseCondition('pct_change < -0.1').condition?.measures // ['pct_change']
 */
export function parseCondition(text: string): { condition?: AlertCondition; problems: ExprProblem[] } {
  let ast: Expr;
  try {
    ast = parseExpression(text);
  } catch (e) {
    if (e instanceof UserError) return { problems: exprProblems(e) };
    throw e;
  }
  const problems: ExprProblem[] = [];
  const used: Measure[] = [];
  const kind = check(ast, problems, used);
  if (kind === 'number')
    problems.push(
      exprProblem(
        'alert_condition_not_boolean',
        'the condition is a number, not a test',
        ast.span,
        `compare it with a threshold, e.g. \`${text.trim()} > 0\``,
      ),
    );
  problems.sort((a, b) => a.offset - b.offset);
  return problems.length > 0 ? { problems } : { condition: { text, ast, measures: used }, problems };
}

/** Checks a node; returns its kind, or null when it is wrong (the problem is recorded). */
function check(e: Expr, problems: ExprProblem[], used: Measure[]): Kind | null {
  const expectKind = (child: Expr, want: Kind, what: string): boolean => {
    const k = check(child, problems, used);
    if (k === null) return false;
    if (k !== want) {
      problems.push(
        exprProblem(
          'alert_type_mismatch',
          `${what} needs ${want === 'number' ? 'a number' : 'a test (true or false)'}, got ${k === 'number' ? 'a number' : 'a test'}`,
          child.span,
          SUPPORTED_HINT,
        ),
      );
      return false;
    }
    return true;
  };
  const all = (results: boolean[]) => results.every(Boolean);
  switch (e.kind) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'column': {
      const m = MEASURES.find((x) => x === e.name.toLowerCase());
      if (m === undefined) {
        problems.push(
          exprProblem(
            'alert_unknown_measure',
            `unknown measure '${e.name}'`,
            e.span,
            didYouMean(e.name, MEASURES),
          ),
        );
        return null;
      }
      if (!used.includes(m)) used.push(m);
      return 'number';
    }
    case 'unary':
      return e.op === 'not'
        ? expectKind(e.operand, 'boolean', "'not'")
          ? 'boolean'
          : null
        : expectKind(e.operand, 'number', "'-'")
          ? 'number'
          : null;
    case 'binary': {
      if (e.op === 'and' || e.op === 'or')
        return all([expectKind(e.left, 'boolean', `'${e.op}'`), expectKind(e.right, 'boolean', `'${e.op}'`)])
          ? 'boolean'
          : null;
      const ok = all([expectKind(e.left, 'number', `'${e.op}'`), expectKind(e.right, 'number', `'${e.op}'`)]);
      if (!ok) return null;
      if (e.op === '%') {
        problems.push(
          exprProblem('alert_unsupported', "'%' is not available in an alert condition", e.opSpan),
        );
        return null;
      }
      return e.op === '+' || e.op === '-' || e.op === '*' || e.op === '/' ? 'number' : 'boolean';
    }
    case 'between':
      return all([
        expectKind(e.value, 'number', "'between'"),
        expectKind(e.low, 'number', "'between'"),
        expectKind(e.high, 'number', "'between'"),
      ])
        ? 'boolean'
        : null;
    case 'call': {
      const f = FUNCTIONS[e.name.toLowerCase()];
      if (f === undefined || e.star !== null) {
        problems.push(
          exprProblem(
            'alert_unsupported',
            `function '${e.name}' is not available in an alert condition`,
            e.nameSpan,
            'the one function is abs(x), e.g. `abs(anomaly) > 3.5`',
          ),
        );
        return null;
      }
      if (e.args.length !== f.arity) {
        problems.push(
          exprProblem(
            'alert_wrong_arguments',
            `${e.name} takes ${f.arity} argument, got ${e.args.length}`,
            e.span,
            'e.g. `abs(change) > 0.05`',
          ),
        );
        return null;
      }
      return all(e.args.map((a) => expectKind(a, 'number', e.name))) ? 'number' : null;
    }
    case 'string':
    case 'null':
    case 'temporal':
    case 'in':
    case 'is_null':
    case 'like':
    case 'case': {
      const what: Record<typeof e.kind, string> = {
        string: 'text',
        null: "'null'",
        temporal: 'a date',
        in: "'in'",
        is_null: "'is null'",
        like: "'like'",
        case: "'case'",
      };
      problems.push(
        exprProblem(
          'alert_unsupported',
          `${what[e.kind]} is not available in an alert condition`,
          'opSpan' in e ? e.opSpan : e.span,
          SUPPORTED_HINT,
        ),
      );
      return null;
    }
  }
}

/**
 * Evaluates a checked condition on one set of measures, with SQL's three-valued logic: a measure
 * that is null makes the comparisons using it null; `null and false` is false, `null or true` is
 * true; division by 0 is null. The rule fires only when the result is true.
 *
 * @example evaluateCondition(parseCondition('change > 0.05').condition!, { ...m, change: 0.07 }) // true
 */
export function evaluateCondition(condition: AlertCondition, measures: Measures): boolean | null {
  const r = evaluate(condition.ast, measures);
  return typeof r === 'boolean' ? r : null;
}

function evaluate(e: Expr, m: Measures): number | boolean | null {
  switch (e.kind) {
    case 'number':
    case 'boolean':
      return e.value;
    case 'column':
      return m[e.name.toLowerCase() as Measure] ?? null;
    case 'unary': {
      const v = evaluate(e.operand, m);
      if (v === null) return null;
      return e.op === 'not' ? !v : -(v as number);
    }
    case 'binary': {
      if (e.op === 'and' || e.op === 'or') {
        const a = evaluate(e.left, m) as boolean | null;
        const b = evaluate(e.right, m) as boolean | null;
        if (e.op === 'and')
          return a === false || b === false ? false : a === null || b === null ? null : true;
        return a === true || b === true ? true : a === null || b === null ? null : false;
      }
      const a = evaluate(e.left, m) as number | null;
      const b = evaluate(e.right, m) as number | null;
      if (a === null || b === null || Number.isNaN(a) || Number.isNaN(b)) return null;
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? null : a / b;
        case '=':
          return a === b;
        case '<>':
          return a !== b;
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        case '>=':
          return a >= b;
        default:
          return null;
      }
    }
    case 'between': {
      const v = evaluate(e.value, m) as number | null;
      const lo = evaluate(e.low, m) as number | null;
      const hi = evaluate(e.high, m) as number | null;
      if (v === null || lo === null || hi === null) return null;
      const inside = v >= lo && v <= hi;
      return e.negated ? !inside : inside;
    }
    case 'call': {
      const x = evaluate(e.args[0]!, m) as number | null;
      return x === null ? null : FUNCTIONS[e.name.toLowerCase()]!.apply(x);
    }
    default:
      return null;
  }
}
