import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { MAX_EXPRESSION_LENGTH, tokenize } from './lexer.js';
import type { ExprProblem } from './problem.js';

/** The problems of the UserError that `work` throws. */
function problems(work: () => unknown): ExprProblem[] {
  try {
    work();
  } catch (e) {
    if (e instanceof UserError) return e.problems as ExprProblem[];
    throw e;
  }
  throw new Error('expected a UserError');
}

const kinds = (text: string) => tokenize(text).map((t) => `${t.kind}:${t.value}`);

describe('tokenize', () => {
  it('splits operators, names, keywords and numbers', () => {
    expect(kinds('revenue_365d >= 1000 AND Orders_365d<>5')).toEqual([
      'ident:revenue_365d',
      'op:>=',
      'number:1000',
      'keyword:and',
      'ident:Orders_365d',
      'op:<>',
      'number:5',
      'eof:',
    ]);
    expect(kinds('a==b!=c<=d>=e<f>g=h+i-j*k/l%m(n,o)')).toEqual([
      'ident:a',
      'op:==',
      'ident:b',
      'op:!=',
      'ident:c',
      'op:<=',
      'ident:d',
      'op:>=',
      'ident:e',
      'op:<',
      'ident:f',
      'op:>',
      'ident:g',
      'op:=',
      'ident:h',
      'op:+',
      'ident:i',
      'op:-',
      'ident:j',
      'op:*',
      'ident:k',
      'op:/',
      'ident:l',
      'op:%',
      'ident:m',
      'op:(',
      'ident:n',
      'op:,',
      'ident:o',
      'op:)',
      'eof:',
    ]);
  });

  it('reads integers, decimals and exponents', () => {
    const nums = tokenize('12 1.5 .25 3. 1e3 2.5E-2 7e+1')
      .filter((t) => t.kind === 'number')
      .map((t) => t.num);
    expect(nums).toEqual([12, 1.5, 0.25, 3, 1000, 0.025, 70]);
  });

  it('reads strings in either quote, with doubling and backslash escapes', () => {
    const strings = tokenize(`'it''s' "say ""hi""" 'a\\'b' "tab\\there" 'back\\\\slash' '\\u00e9'`)
      .filter((t) => t.kind === 'string')
      .map((t) => t.value);
    expect(strings).toEqual([`it's`, 'say "hi"', "a'b", 'tab\there', 'back\\slash', 'é']);
  });

  it('keeps control characters, semicolons and SQL inside strings as plain text', () => {
    const [t] = tokenize("'; DROP TABLE x; --\u0001\u0000'");
    expect(t).toMatchObject({ kind: 'string', value: '; DROP TABLE x; --\u0001\u0000' });
  });

  it('reads backtick-quoted names, which are never keywords', () => {
    expect(kinds('`end` + `odd ``name```')).toEqual([
      'quoted_ident:end',
      'op:+',
      'quoted_ident:odd `name`',
      'eof:',
    ]);
  });

  it('treats keywords case-insensitively and leaves date/timestamp as names', () => {
    expect(kinds('NOT Between iN Is NuLL date')).toEqual([
      'keyword:not',
      'keyword:between',
      'keyword:in',
      'keyword:is',
      'keyword:null',
      'ident:date',
      'eof:',
    ]);
  });

  it('gives 1-based line and column and the 0-based offset of every token', () => {
    const toks = tokenize('a and\n  b >= 1\r\nor c');
    expect(toks.map((t) => [t.value, t.span.line, t.span.column, t.span.offset])).toEqual([
      ['a', 1, 1, 0],
      ['and', 1, 3, 2],
      ['b', 2, 3, 8],
      ['>=', 2, 5, 10],
      ['1', 2, 8, 13],
      ['or', 3, 1, 16],
      ['c', 3, 4, 19],
      ['', 3, 5, 20],
    ]);
  });

  it('reports an unterminated string at its opening quote', () => {
    const [p] = problems(() => tokenize("country = 'GB"));
    expect(p).toMatchObject({
      code: 'unterminated_string',
      message: 'unterminated string at 1:11',
      at: { line: 1, column: 11 },
      offset: 10,
    });
    expect(p?.hint).toContain("close it with '");
  });

  it('rejects semicolons and other stray characters, reporting every one', () => {
    const ps = problems(() => tokenize('revenue_365d >= 1000; DROP TABLE x $ y'));
    expect(ps.map((p) => [p.code, p.message])).toEqual([
      ['invalid_character', "unexpected character ';' at 1:21"],
      ['invalid_character', "unexpected character '$' at 1:36"],
    ]);
    expect(ps[0]?.hint).toMatch(/SQL statements are not allowed/);
  });

  it('rejects control characters outside strings, naming them by code point', () => {
    const [p] = problems(() => tokenize('a\u0007 > 1'));
    expect(p).toMatchObject({
      code: 'invalid_character',
      message: 'unexpected control character U+0007 at 1:2',
    });
  });

  it('rejects malformed numbers and unknown escapes', () => {
    expect(problems(() => tokenize('12abc > 1'))[0]).toMatchObject({
      code: 'invalid_number',
      message: "invalid number '12abc' at 1:1",
    });
    expect(problems(() => tokenize('1e999'))[0]).toMatchObject({ code: 'invalid_number' });
    expect(problems(() => tokenize("'a\\qb'"))[0]).toMatchObject({
      code: 'invalid_escape',
      message: "unknown escape '\\q' in a string at 1:3",
    });
  });

  it('refuses text longer than the limit without scanning it', () => {
    const [p] = problems(() => tokenize('x'.repeat(MAX_EXPRESSION_LENGTH + 1)));
    expect(p?.code).toBe('expression_too_long');
  });
});
