import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvObjects } from './csv.js';

describe('test CSV reader', () => {
  it('reads plain, quoted and empty fields', () => {
    expect(parseCsv('a,b,c\n1,,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
    ]);
    expect(parseCsv('a,b\n"x, y","say ""hi"""\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ]);
  });

  it('keeps line breaks inside quotes and accepts CRLF, a BOM and a missing final newline', () => {
    expect(parseCsv('\uFEFFa,b\r\n"two\nlines",2\r\n3,4')).toEqual([
      ['a', 'b'],
      ['two\nlines', '2'],
      ['3', '4'],
    ]);
  });

  it('reads a trailing empty field and other delimiters', () => {
    expect(parseCsv('a,b\n1,\n')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
    expect(parseCsv('a;b\n1;2\n', ';')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('maps records to the header names', () => {
    expect(parseCsvObjects('x,y\n1,2\n')).toEqual([{ x: '1', y: '2' }]);
  });

  it('refuses an unterminated quote', () => {
    expect(() => parseCsv('a\n"open\n')).toThrow(/unterminated/);
  });
});
