import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvSink, encode } from './csv-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'segtrack-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CsvSink', () => {
  it('formats numbers, dates and timestamps like the reference formatters', () => {
    const path = join(dir, 'a.csv');
    const sink = new CsvSink(path, ['a', 'b', 'c', 'd', 'e', 'f']);
    const expected = ['a,b,c,d,e,f'];
    const seconds = [0, 59, 86_399, 951_782_400, 1_719_791_999, 1_782_864_000 + 3_723];
    const cents = [0, 5, 99, 100, 123_456, 10_000_000_01];
    for (let i = 0; i < seconds.length; i++) {
      const s = seconds[i]!;
      const c = cents[i]!;
      sink
        .int(i * 1013)
        .comma()
        .padded(i, 8)
        .comma()
        .cents(c)
        .comma();
      sink
        .timestamp(s)
        .comma()
        .date(Math.floor(s / 86_400))
        .comma()
        .text(encode('Île-de-France'));
      sink.end();
      const iso = new Date(s * 1000).toISOString();
      expected.push(
        `${i * 1013},${String(i).padStart(8, '0')},${(c / 100).toFixed(2)},${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(0, 10)},Île-de-France`,
      );
    }
    sink.close();
    expect(readFileSync(path, 'utf8')).toBe(`${expected.join('\n')}\n`);
    expect(sink.rows).toBe(seconds.length);
  });

  it('flushes across many buffers without losing a byte', () => {
    const path = join(dir, 'b.csv');
    const sink = new CsvSink(path, ['n']);
    const n = 1_000_000;
    for (let i = 0; i < n; i++) {
      sink.padded(i, 7);
      sink.end();
    }
    sink.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.length).toBe(n + 2);
    expect(lines[n]).toBe('0999999');
    expect(sink.bytes).toBe(2 + n * 8); // "n\n" then 7 digits and a newline per row
  });
});
