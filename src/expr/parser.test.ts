import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import type { Expr } from './ast.js';
import { MAX_DEPTH, parseExpression } from './parser.js';
import type { ExprProblem } from './problem.js';

/** A compact, fully parenthesised rendering of a tree, to assert its shape. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'boolean':
      return String(e.value);
    case 'null':
      return 'null';
    case 'temporal':
      return `${e.type}(${e.value})`;
    case 'column':
      return e.name;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'between':
      return `(${show(e.value)} ${e.negated ? 'not ' : ''}between ${show(e.low)} ${show(e.high)})`;
    case 'in':
      return `(${show(e.value)} ${e.negated ? 'not ' : ''}in [${e.list.map(show).join(', ')}])`;
    case 'is_null':
      return `(${show(e.value)} is ${e.negated ? 'not ' : ''}null)`;
    case 'like':
      return `(${show(e.value)} ${e.negated ? 'not ' : ''}like ${show(e.pattern)})`;
    case 'case':
      return `(case ${e.whens.map((w) => `${show(w.when)}->${show(w.then)}`).join(' ')}${
        e.otherwise ? ` else ${show(e.otherwise)}` : ''
      })`;
    case 'call':
      return `${e.name}(${e.star ? '*' : e.args.map(show).join(', ')})`;
  }
}

const parse = (text: string) => show(parseExpression(text));

function problem(text: string): ExprProblem {
  try {
    parseExpression(text);
  } catch (e) {
    if (e instanceof UserError) {
      expect(e.problems).toHaveLength(1);
      return e.problems[0] as ExprProblem;
    }
    throw e;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('parseExpression: precedence', () => {
  it('binds and tighter than or', () => {
    expect(parse('a or b and c')).toBe('(a or (b and c))');
    expect(parse('a and b or c')).toBe('((a and b) or c)');
    expect(parse('(a or b) and c')).toBe('((a or b) and c)');
  });

  it('binds not tighter than and, looser than comparisons', () => {
    expect(parse('not a = 1 and b')).toBe('((not (a = 1)) and b)');
    expect(parse('not not a')).toBe('(not (not a))');
  });

  it('orders arithmetic as usual, left to right', () => {
    expect(parse('a + b * c - d / e % f')).toBe('((a + (b * c)) - ((d / e) % f))');
    expect(parse('a - b - c')).toBe('((a - b) - c)');
    expect(parse('-a * -2 > 1 + 2')).toBe('(((- a) * (- 2)) > (1 + 2))');
  });

  it('canonicalises == and != and keywords in any case', () => {
    expect(parse('a == 1 OR b != 2 AnD c <> 3')).toBe('((a = 1) or ((b <> 2) and (c <> 3)))');
  });
});

describe('parseExpression: predicates', () => {
  it('reads between without swallowing the next and', () => {
    expect(parse('x between 1 and 2 and y')).toBe('((x between 1 2) and y)');
    expect(parse('x not between a + 1 and b * 2')).toBe('(x not between (a + 1) (b * 2))');
  });

  it('reads in and not in lists', () => {
    expect(parse("country in ('GB', 'FR')")).toBe('(country in ["GB", "FR"])');
    expect(parse('n not in (1, 2 + 3)')).toBe('(n not in [1, (2 + 3)])');
  });

  it('reads is null, is not null, like and not like', () => {
    expect(parse('a is null or b is not null')).toBe('((a is null) or (b is not null))');
    expect(parse("c like 'G%' and c not like '%x'")).toBe('((c like "G%") and (c not like "%x"))');
  });

  it('reads case expressions, with or without else', () => {
    expect(parse('case when a > 1 then 1 when b then 2 else 0 end')).toBe('(case (a > 1)->1 b->2 else 0)');
    expect(parse('CASE WHEN a THEN null END')).toBe('(case a->null)');
  });

  it('reads calls, count(*), literals and date literals', () => {
    expect(parse('round(x, 2) + count(*) + coalesce(a, b, c)')).toBe(
      '((round(x, 2) + count(*)) + coalesce(a, b, c))',
    );
    expect(parse("d >= date '2024-01-31' and t < timestamp '2024-01-31T10:00'")).toBe(
      '((d >= date(2024-01-31)) and (t < timestamp(2024-01-31 10:00:00)))',
    );
    expect(parse('true and not false or null is null')).toBe('((true and (not false)) or (null is null))');
    expect(parse('date > 1')).toBe('(date > 1)');
  });

  it('records where each node was written', () => {
    const e = parseExpression('revenue_365d >= 1000');
    expect(e.kind === 'binary' && [e.span, e.opSpan, e.right.span]).toEqual([
      { offset: 0, length: 20, line: 1, column: 1 },
      { offset: 13, length: 2, line: 1, column: 14 },
      { offset: 16, length: 4, line: 1, column: 17 },
    ]);
  });
});

describe('parseExpression: syntax errors', () => {
  it("says what was expected and where: expected ')' at 1:17", () => {
    expect(problem('abs(revenue_365d')).toMatchObject({
      code: 'syntax_error',
      message: "expected ')' at 1:17",
      at: { line: 1, column: 17 },
      offset: 16,
      hint: "found the end of the expression; the '(' at 1:4 is not closed",
    });
  });

  it('reports a missing operand', () => {
    expect(problem('revenue_365d >= ')).toMatchObject({ message: 'expected an expression at 1:17' });
    expect(problem('a and or b')).toMatchObject({
      message: 'expected an expression at 1:7',
      hint: "found 'or'",
    });
    expect(problem('x in ()')).toMatchObject({ message: 'expected an expression at 1:7' });
  });

  it('refuses chained comparisons with a hint', () => {
    expect(problem('1 < x < 3')).toMatchObject({
      message: "expected 'and', 'or' or the end of the expression at 1:7",
      hint: expect.stringContaining('do not chain') as string,
    });
  });

  it('suggests a keyword for a misspelt operator word', () => {
    expect(problem('revenue_365d > 5 adn orders_365d > 1')).toMatchObject({
      message: 'expected an operator or the end of the expression at 1:18',
      hint: "found 'adn'; did you mean 'and'?",
    });
  });

  it('reports unbalanced parentheses and unfinished case', () => {
    expect(problem('(a > 1))')).toMatchObject({ message: 'expected the end of the expression at 1:8' });
    expect(problem('case when a then 1')).toMatchObject({
      message: "expected 'when', 'else' or 'end' at 1:19",
      hint: "found the end of the expression; the 'case' at 1:1 needs an 'end'",
    });
    expect(problem('case else 1 end')).toMatchObject({ message: "expected 'when' after 'case' at 1:6" });
  });

  it('reports a bad predicate after not, and is without null', () => {
    expect(problem('a not > 1')).toMatchObject({
      message: "expected 'between', 'in' or 'like' after 'not' at 1:7",
    });
    expect(problem('a is true')).toMatchObject({ message: "expected 'null' at 1:6" });
    expect(problem('a between 1 or 2')).toMatchObject({ message: "expected 'and' at 1:13" });
  });

  it('only accepts * as the argument of a call', () => {
    expect(problem('count(* + 1)')).toMatchObject({ message: 'expected an expression at 1:7' });
  });

  it('reports impossible date literals with the other problems', () => {
    expect(problem("d > date '2024-02-30'")).toMatchObject({
      code: 'invalid_date',
      message: "invalid date '2024-02-30' at 1:10",
    });
    expect(problem("d > date '2024-01-31 10:00'")).toMatchObject({ code: 'invalid_date' });
  });

  it('positions errors on later lines', () => {
    expect(problem('a > 1\nand (b < 2')).toMatchObject({
      message: "expected ')' at 2:11",
      at: { line: 2, column: 11 },
    });
  });

  it('stops runaway nesting with a user error instead of a stack overflow', () => {
    const deep = `${'('.repeat(100_000)}a${')'.repeat(100_000)}`;
    expect(problem(deep)).toMatchObject({ code: 'expression_too_deep' });
    expect(problem(`${'not '.repeat(50_000)}a`)).toMatchObject({ code: 'expression_too_deep' });
    expect(problem(`a${' + a'.repeat(50_000)}`)).toMatchObject({ code: 'expression_too_deep' });
    expect(problem(`${'-'.repeat(50_000)}1`)).toMatchObject({ code: 'expression_too_deep' });
    expect(() =>
      parseExpression(`${'('.repeat(MAX_DEPTH - 10)}a${')'.repeat(MAX_DEPTH - 10)}`),
    ).not.toThrow();
  });

  it('accepts long in-lists (they are wide, not deep)', () => {
    const list = Array.from({ length: 5000 }, (_, i) => `'c${i}'`).join(', ');
    const e = parseExpression(`country in (${list})`);
    expect(e.kind === 'in' && e.list.length).toBe(5000);
  });
});
