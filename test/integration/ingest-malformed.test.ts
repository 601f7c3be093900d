/**
 * Ingesting malformed files (test/fixtures/malformed/README.md lists each case and its outcome):
 * every file either loads cleanly, with each bad row rejected with its reason, file, data row
 * number (1-based, header excluded) and value, or fails with a user error (exit code 2) that
 * names the file and gives a hint, leaving the workspace exactly as it was.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import type { Config, SourceConfig } from '../../src/config/types.js';
import type { IngestResult } from '../../src/ingest/ingest.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import {
  expectAccounting,
  jsonOf,
  runCli,
  workspaceFileContents,
  yamlText,
  type CliRun,
} from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/malformed/', import.meta.url));
const fixture = (name: string): string => `${FIXTURES}${name}`;

let tmp: TempDir;
let cases = 0;

beforeAll(() => {
  tmp = makeTempDir('segtrack-malformed-');
});
afterAll(() => tmp.remove());

/** A fresh workspace path for one test. */
function freshWorkspace(): string {
  cases += 1;
  return tmp.path(`ws-${cases}.duckdb`);
}

/** Writes a config with these sources and runs `segtrack ingest --json` on `workspace`. */
async function ingestCli(
  workspace: string,
  sources: Record<string, unknown>,
  flags: string[] = [],
): Promise<CliRun> {
  cases += 1;
  const config = tmp.write(`config-${cases}.yaml`, yamlText({ sources }));
  return runCli(['ingest', '--config', config, '--workspace', workspace, '--json', ...flags]);
}

/** Runs a successful ingest and checks the accounting identity. */
async function ingestOk(
  workspace: string,
  sources: Record<string, unknown>,
  flags: string[] = [],
): Promise<IngestResult> {
  const result = jsonOf(await ingestCli(workspace, sources, flags));
  expectAccounting(result);
  return result;
}

interface Rejected {
  file: string;
  row: number;
  reason: string;
  column: string | null;
  value: string | null;
}

/** Every rejected row of a table in a workspace file, in file and row order. */
async function rejectedRows(workspace: string, table = 'orders'): Promise<Rejected[]> {
  const engine = await openWorkspace(workspace);
  try {
    const rows = await engine.query<{
      file: string;
      row: number;
      reason: string;
      column: string | null;
      value: string | null;
    }>(
      `SELECT file, row_number AS row, reason, column_name AS column, value FROM rejected_rows WHERE table_name = $1 ORDER BY file, row_number`,
      [table],
    );
    return rows
      .map((r) => ({ ...r, file: basename(r.file), row: Number(r.row) }))
      .sort((a, b) => a.file.localeCompare(b.file) || a.row - b.row);
  } finally {
    await engine.close();
  }
}

async function orderIds(workspace: string): Promise<string[]> {
  const engine = await openWorkspace(workspace);
  try {
    const rows = await engine.query<{ order_id: string }>(`SELECT order_id FROM orders ORDER BY order_id`);
    return rows.map((r) => r.order_id);
  } finally {
    await engine.close();
  }
}

const GOOD = { file: fixture('good-orders.csv') };

/**
 * Loads the good file, then runs `sources` on the same workspace expecting a user error: exit
 * code 2, a message naming `fileName` with a hint and no stack trace, and every table, the
 * quarantine and the bookkeeping exactly as the good load left them.
 */
async function expectUserErrorLeavesWorkspace(
  sources: Record<string, unknown>,
  fileName: string,
  code: string,
  flags: string[] = [],
): Promise<string> {
  const workspace = freshWorkspace();
  await ingestOk(workspace, { orders: GOOD });
  const before = await workspaceFileContents(workspace);
  expect(before['orders']).toHaveLength(4);
  const r = await ingestCli(workspace, sources, flags);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(fileName);
  expect(r.stderr).toContain(`[${code}]`);
  expect(r.stderr).toMatch(/\n {2}hint: \S/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(await workspaceFileContents(workspace)).toEqual(before);
  return r.stderr;
}

describe('ingest: malformed CSV rows are rejected, not lost', () => {
  it('rejects rows with too many or too few fields, and numbers the rows after them correctly', async () => {
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file: fixture('ragged-rows.csv') } });
    expect(result.tables['orders']).toMatchObject({
      source_rows: 6,
      excluded: 0,
      rejected: 3,
      accepted: 3,
      loaded: 3,
    });
    expect(await rejectedRows(ws)).toEqual([
      {
        file: 'ragged-rows.csv',
        row: 2,
        reason: 'malformed_row',
        column: null,
        value: 'o2,c2,2024-01-06 11:30:00,40.00,surplus',
      },
      { file: 'ragged-rows.csv', row: 4, reason: 'malformed_row', column: null, value: 'o4,c3' },
      {
        file: 'ragged-rows.csv',
        row: 5,
        reason: 'unparseable_number',
        column: 'revenue',
        value: 'not-a-number',
      },
    ]);
    expect(await orderIds(ws)).toEqual(['o1', 'o3', 'o6']);
    const malformed = result.rejections.find((j) => j.reason === 'malformed_row');
    expect(malformed).toMatchObject({ table: 'orders', count: 2 });
    expect(malformed?.examples[0]).toMatchObject({ file: 'ragged-rows.csv', row: 2 });
  });

  it('reads quoted fields holding line breaks, delimiters and quotes; row numbers count records, not lines', async () => {
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file: fixture('quoted-newlines.csv') } });
    expect(result.tables['orders']).toMatchObject({ source_rows: 6, rejected: 3, accepted: 3, loaded: 3 });
    expect(await rejectedRows(ws)).toEqual([
      { file: 'quoted-newlines.csv', row: 3, reason: 'negative_revenue', column: 'revenue', value: '-3.00' },
      {
        file: 'quoted-newlines.csv',
        row: 4,
        reason: 'malformed_row',
        column: null,
        value: expect.stringContaining('o4,c4') as string,
      },
      { file: 'quoted-newlines.csv', row: 5, reason: 'unparseable_number', column: 'revenue', value: 'x' },
    ]);
    const engine = await openWorkspace(ws);
    try {
      expect(await engine.query(`SELECT order_id, channel FROM orders ORDER BY order_id`)).toEqual([
        { order_id: 'o1', channel: 'web\n(mobile)' },
        { order_id: 'o2', channel: 'store, "flagship"' },
        { order_id: 'o6', channel: 'multi\nline\nnote' },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('reads a file that starts with a UTF-8 byte-order mark like the same file without one', async () => {
    const bom = tmp.write(
      'bom-orders.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(fixture('good-orders.csv'))]),
    );
    const plain = freshWorkspace();
    const withBom = freshWorkspace();
    const a = await ingestOk(plain, { orders: GOOD });
    const b = await ingestOk(withBom, { orders: { file: bom } });
    expect(b.tables['orders']).toEqual(a.tables['orders']);
    const [x, y] = [await workspaceFileContents(plain, true), await workspaceFileContents(withBom, true)];
    expect(y['orders']).toEqual(x['orders']);
    expect(y['orders']).toHaveLength(4);
  });

  it('rejects a line with invalid UTF-8 bytes as invalid_encoding and loads the others', async () => {
    const good = readFileSync(fixture('good-orders.csv'), 'utf8').split('\n');
    // Row 2's channel holds 0xFF 0xFE, which is never valid UTF-8 (it is "ÿþ" in Latin-1).
    const bytes = Buffer.concat([
      Buffer.from(`${good.slice(0, 2).join('\n')}\n${good[2]!.replace(/app$/, '')}`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`\n${good.slice(3).join('\n')}`),
    ]);
    const file = tmp.write('latin1-orders.csv', bytes);
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file } });
    expect(result.tables['orders']).toMatchObject({ source_rows: 4, rejected: 1, accepted: 3, loaded: 3 });
    const [rejected] = await rejectedRows(ws);
    expect(rejected).toMatchObject({
      file: 'latin1-orders.csv',
      row: 2,
      reason: 'invalid_encoding',
      column: null,
    });
    expect(rejected?.value).toMatch(/^o2,c2,/);
    expect(await orderIds(ws)).toEqual(['o1', 'o3', 'o4']);

    // The config schema has no `encoding` option yet, so the Config is built by hand: the stage
    // passes options.encoding to the reader, and Latin-1 reads every byte.
    const engine = await openWorkspace(':memory:');
    try {
      const source = { files: [file], options: { encoding: 'latin-1' } } as SourceConfig;
      const config: Config = {
        path: '',
        baseDir: tmp.dir,
        sources: { orders: source },
        segments: [],
        raw: {},
      };
      const latin = await ingest(engine, config, { now: new Date('2025-01-01T00:00:00Z') });
      expectAccounting(latin);
      expect(latin.tables['orders']).toMatchObject({ source_rows: 4, rejected: 0, accepted: 4 });
      expect(await engine.query(`SELECT channel FROM orders WHERE order_id = 'o2'`)).toEqual([
        { channel: 'ÿþ' },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('reads a gzip-compressed CSV with the same outcome and row numbers as the plain file', async () => {
    const gz = tmp.write('ragged-rows.csv.gz', gzipSync(readFileSync(fixture('ragged-rows.csv'))));
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file: gz } });
    expect(result.tables['orders']).toMatchObject({ source_rows: 6, rejected: 3, accepted: 3, loaded: 3 });
    expect((await rejectedRows(ws)).map((r) => [r.file, r.row, r.reason])).toEqual([
      ['ragged-rows.csv.gz', 2, 'malformed_row'],
      ['ragged-rows.csv.gz', 4, 'malformed_row'],
      ['ragged-rows.csv.gz', 5, 'unparseable_number'],
    ]);
  });
});

describe('ingest: delimiters', () => {
  it('sniffs a semicolon-delimited file when no delimiter is configured', async () => {
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file: fixture('semicolon.csv') } });
    expect(result.tables['orders']).toMatchObject({ source_rows: 3, rejected: 0, accepted: 3, loaded: 3 });
    expect(await orderIds(ws)).toEqual(['o1', 'o2', 'o3']);
  });

  it('fails with a hint to set the semicolon when `delimiter: ","` is configured', async () => {
    const stderr = await expectUserErrorLeavesWorkspace(
      { orders: { file: fixture('semicolon.csv'), options: { delimiter: ',' } } },
      'semicolon.csv',
      'missing_column',
    );
    expect(stderr).toContain('set options: {delimiter: ";"}');
  });
});

describe('ingest: files that cannot be loaded fail whole, and change nothing', () => {
  it('refuses an empty (0-byte) file', async () => {
    const stderr = await expectUserErrorLeavesWorkspace(
      { orders: { file: fixture('empty.csv') } },
      'empty.csv',
      'empty_file',
    );
    expect(stderr).toContain('is empty (0 bytes)');
  });

  it('refuses a file without a required column, naming the column and the file’s columns', async () => {
    const stderr = await expectUserErrorLeavesWorkspace(
      { orders: { file: fixture('missing-column.csv') } },
      'missing-column.csv',
      'missing_column',
    );
    expect(stderr).toContain("required 'ordered_at'");
    expect(stderr).toContain("'order_date'");
  });

  it('refuses a JSONL file with a broken line, naming the line', async () => {
    const stderr = await expectUserErrorLeavesWorkspace(
      { orders: { file: fixture('broken-line.jsonl') } },
      'broken-line.jsonl',
      'malformed_file',
    );
    expect(stderr).toContain('broken-line.jsonl:3:');
    expect(stderr).toContain('line 3 is not valid JSON');
  });

  it('refuses to replace loaded orders with a header-only file unless --allow-empty', async () => {
    const stderr = await expectUserErrorLeavesWorkspace(
      { orders: { file: fixture('header-only.csv') } },
      'header-only.csv',
      'would_empty_table',
    );
    expect(stderr).toContain('--allow-empty');
  });

  it('rolls back every table when a later table fails', async () => {
    const ws = freshWorkspace();
    const customers = tmp.write('customers-a.csv', 'customer_id,country\nc1,GB\nc2,FR\n');
    await ingestOk(ws, { customers: { file: customers }, orders: GOOD });
    const before = await workspaceFileContents(ws);
    const other = tmp.write('customers-b.csv', 'customer_id,country\nc7,DE\n');
    const r = await ingestCli(ws, {
      customers: { file: other },
      orders: { file: fixture('missing-column.csv') },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('missing-column.csv');
    expect(await workspaceFileContents(ws)).toEqual(before);
  });
});

describe('ingest: files without data rows', () => {
  it('loads a header-only file into an empty workspace as zero rows, with a warning', async () => {
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file: fixture('header-only.csv') } });
    expect(result.tables['orders']).toMatchObject({
      source_rows: 0,
      excluded: 0,
      rejected: 0,
      accepted: 0,
      loaded: 0,
    });
    expect(result.warnings).toEqual(['orders: header-only.csv has no data rows']);
  });

  it('empties the table from a header-only file with --allow-empty', async () => {
    const ws = freshWorkspace();
    await ingestOk(ws, { orders: GOOD });
    const result = await ingestOk(ws, { orders: { file: fixture('header-only.csv') } }, ['--allow-empty']);
    expect(result.tables['orders']).toMatchObject({ source_rows: 0, loaded: 0 });
    expect(await orderIds(ws)).toEqual([]);
  });
});

describe('ingest: JSON and Parquet', () => {
  it('loads a JSON array file, rejecting the object whose revenue is not a number', async () => {
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file: fixture('orders.json') } });
    expect(result.tables['orders']).toMatchObject({ source_rows: 3, rejected: 1, accepted: 2, loaded: 2 });
    // The value is the JSON text of the field, quotes included.
    expect(await rejectedRows(ws)).toEqual([
      { file: 'orders.json', row: 3, reason: 'unparseable_number', column: 'revenue', value: '"n/a"' },
    ]);
    expect(await orderIds(ws)).toEqual(['o1', 'o2']);
  });

  it('loads a Parquet file with its typed columns, numbering rows from the file', async () => {
    const file = tmp.path('orders.parquet');
    const engine = await openWorkspace(':memory:');
    try {
      await engine.exec(
        `COPY (SELECT * FROM (VALUES
           ('o1', 'c1', TIMESTAMP '2024-01-05 10:00:00', 25.5::DOUBLE, 'completed'),
           ('o2', 'c2', TIMESTAMP '2024-01-06 11:30:00', 0.0::DOUBLE, 'completed'),
           ('o3', 'c1', TIMESTAMP '2024-02-10 09:15:00', -12.75::DOUBLE, 'completed'),
           ('o4', 'c3', TIMESTAMP '2024-03-01 16:45:00', -99.99::DOUBLE, 'cancelled'),
           ('o5', NULL, TIMESTAMP '2024-03-02 16:45:00', 5.0::DOUBLE, 'completed')
         ) AS t(order_id, customer_id, ordered_at, revenue, status)) TO '${file}' (FORMAT parquet)`,
      );
    } finally {
      await engine.close();
    }
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file } });
    expect(result.tables['orders']).toMatchObject({ source_rows: 5, rejected: 2, accepted: 3, loaded: 3 });
    expect(await rejectedRows(ws)).toEqual([
      { file: 'orders.parquet', row: 3, reason: 'negative_revenue', column: 'revenue', value: '-12.75' },
      { file: 'orders.parquet', row: 5, reason: 'missing_required', column: 'customer_id', value: null },
    ]);
    expect(await orderIds(ws)).toEqual(['o1', 'o2', 'o4']);
  });
});

/** A 50,000-row order-lines file; `edit` may change any data row (1-based) before it is written. */
function bigFile(name: string, edit: (row: number, fields: string[]) => string[] = (_, f) => f): string {
  const lines = ['order_id,customer_id,order_date,quantity,unit_price,note'];
  for (let i = 1; i <= 50_000; i++) {
    const day = new Date(Date.UTC(2023, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
    const fields = [
      `o${i}`,
      `c${i % 997}`,
      `${day} 10:00:00`,
      String(1 + (i % 3)),
      (1 + (i % 7) * 0.5).toFixed(2),
      'ok',
    ];
    lines.push(edit(i, fields).join(','));
  }
  return tmp.write(name, `${lines.join('\n')}\n`);
}

describe('ingest: files far larger than the reader’s sniffing sample', () => {
  const mapping = { ordered_at: 'order_date', revenue: 'quantity * unit_price' };

  it('rejects the one row, far down, whose number does not read, and keeps row numbers right', async () => {
    const file = bigFile('big-number.csv', (row, f) => {
      if (row === 50) f[5] = '"two\nlines"'; // a record spanning two lines, early on
      if (row === 100) f.push('surplus'); // a ragged record, early on
      if (row === 40_000) f[4] = 'n/a'; // not a number, in a column the revenue expression multiplies
      return f;
    });
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file, columns: mapping } });
    expect(result.tables['orders']).toMatchObject({
      source_rows: 50_000,
      excluded: 0,
      rejected: 2,
      accepted: 49_998,
      loaded: 49_998,
    });
    const rejected = await rejectedRows(ws);
    expect(rejected).toEqual([
      {
        file: 'big-number.csv',
        row: 100,
        reason: 'malformed_row',
        column: null,
        value: expect.stringMatching(/^o100,.*,surplus$/) as string,
      },
      {
        file: 'big-number.csv',
        row: 40_000,
        reason: 'unparseable_number',
        column: 'unit_price',
        value: 'n/a',
      },
    ]);
    const engine = await openWorkspace(ws);
    try {
      // Rows around the planted ones are loaded with their own values (row i is order o<i>).
      const rows = await engine.query<{ order_id: string; revenue: number }>(
        `SELECT order_id, revenue FROM orders WHERE order_id IN ('o50', 'o99', 'o101', 'o39999', 'o40001') ORDER BY order_id`,
      );
      const expected = (i: number) => (1 + (i % 3)) * Number((1 + (i % 7) * 0.5).toFixed(2));
      expect(rows).toEqual(
        [101, 39_999, 40_001, 50, 99].map((i) => ({ order_id: `o${i}`, revenue: expected(i) })),
      );
    } finally {
      await engine.close();
    }
  });

  it('rejects the rows after a date column changes format late, each with its row and value', async () => {
    const file = bigFile('big-date.csv', (row, f) => {
      if (row > 49_000) f[2] = f[2]!.replace(/^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}):00$/, '$3/$2/$1 $4');
      return f;
    });
    const ws = freshWorkspace();
    const result = await ingestOk(ws, { orders: { file, columns: mapping } });
    expect(result.tables['orders']).toMatchObject({
      source_rows: 50_000,
      rejected: 1_000,
      accepted: 49_000,
      loaded: 49_000,
    });
    const rejected = await rejectedRows(ws);
    expect(rejected).toHaveLength(1_000);
    expect(rejected.every((r) => r.reason === 'unparseable_date' && r.column === 'ordered_at')).toBe(true);
    expect(rejected.map((r) => r.row)).toEqual(Array.from({ length: 1_000 }, (_, k) => 49_001 + k));
    // Row 49,001 is day (49,001 mod 365) = 91 of 2023: 2 April.
    expect(rejected[0]?.value).toBe('02/04/2023 10:00');

    // Parsing the dates in the config with strptime fails on the first late row: a user error,
    // not a crash, and nothing is loaded.
    const stderr = await expectUserErrorLeavesWorkspace(
      { orders: { file, columns: { ...mapping, ordered_at: "strptime(order_date, '%Y-%m-%d %H:%M:%S')" } } },
      'big-date.csv',
      'expression_failed',
    );
    expect(stderr).toContain('sources.orders.columns.ordered_at');
    expect(stderr).toContain('02/04/2023 10:00');
    expect(stderr).toContain('try_strptime');
  });
});

describe('ingest: a UserError from the library', () => {
  it('carries the code, the file and a hint', async () => {
    const engine = await openWorkspace(':memory:');
    try {
      const config: Config = {
        path: '',
        baseDir: FIXTURES,
        sources: { orders: { files: [fixture('empty.csv')] } },
        segments: [],
        raw: {},
      };
      const error = await ingest(engine, config).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      const problem = (error as UserError).problems[0];
      expect(problem).toMatchObject({ code: 'empty_file', at: { file: fixture('empty.csv') } });
      expect(problem?.hint).toBeTruthy();
    } finally {
      await engine.close();
    }
  });
});

describe('ingest: row numbers in a second file restart at 1', () => {
  it('reports each rejected row against its own file', async () => {
    const ws = freshWorkspace();
    const copy = tmp.path('ragged-rows-2.csv');
    copyFileSync(fixture('ragged-rows.csv'), copy);
    // The second file repeats the first one's orders: its good rows are duplicates.
    const result = await ingestOk(ws, { orders: { files: [fixture('ragged-rows.csv'), copy] } });
    expect(result.tables['orders']).toMatchObject({ source_rows: 12, rejected: 9, accepted: 3, loaded: 3 });
    expect((await rejectedRows(ws)).map((r) => [r.file, r.row, r.reason])).toEqual([
      ['ragged-rows-2.csv', 1, 'duplicate_key'],
      ['ragged-rows-2.csv', 2, 'malformed_row'],
      ['ragged-rows-2.csv', 3, 'duplicate_key'],
      ['ragged-rows-2.csv', 4, 'malformed_row'],
      ['ragged-rows-2.csv', 5, 'unparseable_number'],
      ['ragged-rows-2.csv', 6, 'duplicate_key'],
      ['ragged-rows.csv', 2, 'malformed_row'],
      ['ragged-rows.csv', 4, 'malformed_row'],
      ['ragged-rows.csv', 5, 'unparseable_number'],
    ]);
  });
});
