import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EngineError, userError } from '../core/errors.js';
import type { FileScan } from '../dialect/dialect.js';
import type { Engine } from '../engine/engine.js';
import type { SourceConfig } from '../config/types.js';
import type { SourceFile } from './files.js';

/** Internal columns the stage adds; source columns with these names are not supported. */
export const FILE_INDEX = '__fidx';
export const ROW_NUMBER = '__row';

/** A line the reader could not parse (wrong number of fields, bad encoding). */
export interface MalformedLine {
  fileIndex: number;
  /** 1-based data record number (header excluded). */
  row: number;
  kind: 'malformed_row' | 'invalid_encoding';
  text: string;
  message: string;
}

/** The source files of one table, read into one temporary table of raw rows. */
export interface Stage {
  /** Name of the temporary view over the files: `__fidx`, `__row` and the source columns. */
  table: string;
  /** The per-file tables (or views, for Parquet) behind the view, to drop when done ({@link dropStage}). */
  parts: { name: string; view: boolean }[];
  /** Source columns (union over the files) and their engine types. */
  columns: { name: string; type: string }[];
  files: SourceFile[];
  /** Rows read from each file (parsed successfully). */
  rowsPerFile: number[];
  malformed: MalformedLine[];
  /** Whether the source's columns are all text (CSV), to be typed later. */
  allText: boolean;
}

/** Columns of a table or view, in order, from the standard information schema. */
export async function describeColumns(
  engine: Engine,
  table: string,
): Promise<{ name: string; type: string }[]> {
  const rows = await engine.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => ({ name: r.column_name, type: r.data_type }));
}

/**
 * The first line of a JSONL file that is not a JSON value (1-based), with the parser's message.
 * The engine's own message counts lines from 2, so the line is found here instead.
 */
function brokenJsonLine(path: string): { line: number; message: string } | undefined {
  try {
    if (statSync(path).size > 256 * 1024 * 1024) return undefined;
    const bytes = readFileSync(path);
    const text = /\.gz$/i.test(path) ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    const lines = text.replace(/^\uFEFF/, '').split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        JSON.parse(line);
      } catch (e) {
        return { line: i + 1, message: e instanceof Error ? e.message : String(e) };
      }
    }
  } catch {
    // Unreadable here (compressed otherwise, too large): the engine's message stands.
  }
  return undefined;
}

/** Turns a reader failure into an error that names the file and says what to try. */
function readError(file: SourceFile, e: unknown, source: SourceConfig): Error {
  const detail = e instanceof EngineError ? e.detail : e instanceof Error ? e.message : String(e);
  const broken = file.format === 'jsonl' ? brokenJsonLine(file.path) : undefined;
  if (broken)
    return userError(
      'malformed_file',
      `cannot read ${basename(file.path)}: line ${broken.line} is not valid JSON (${broken.message})`,
      {
        at: { file: file.path, line: broken.line },
        hint: `each line of a JSONL file must be one complete JSON object: fix or remove line ${broken.line}`,
      },
    );
  const firstLine = detail.split('\n').find((l) => l.trim() !== '') ?? detail;
  const line = /on line:?\s*(\d+)/i.exec(detail)?.[1];
  let hint = 'check that the file is a valid ' + file.format.toUpperCase() + ' file';
  if (/unicode|utf-?8|encoding/i.test(detail))
    hint = 'the file is not UTF-8: set options: {encoding: latin-1} (or utf-16)';
  else if (file.format === 'csv' && source.options?.delimiter === undefined)
    hint = 'set options: {delimiter: ",", header: true} (and quote/escape) if the file is not standard CSV';
  else if (file.format === 'json' || file.format === 'jsonl')
    hint = `check the JSON syntax; for one object per line use format: jsonl`;
  return userError(
    'malformed_file',
    `cannot read ${basename(file.path)}: ${firstLine.replace(/^[A-Za-z ]+Error:\s*/, '')}`,
    {
      at: line !== undefined ? { file: file.path, line: Number(line) } : { file: file.path },
      hint,
    },
  );
}

/** Reader types for the columns of a CSV file, given the columns the engine sniffed. */
export type ReaderTypes = (sniffed: { name: string; type: string }[]) => Record<string, string> | undefined;

function csvScan(file: SourceFile, source: SourceConfig): FileScan {
  const scan: FileScan = { format: 'csv', paths: [file.path], header: source.options?.header !== false };
  const o = source.options;
  if (o?.delimiter !== undefined) scan.delimiter = o.delimiter;
  if (o?.quote !== undefined) scan.quote = o.quote;
  if (o?.escape !== undefined) scan.escape = o.escape;
  if (o?.null !== undefined) scan.nullString = o.null;
  if (o?.encoding !== undefined) scan.encoding = o.encoding;
  return scan;
}

/**
 * The fast way to read clean CSV files: the engine's reader parses every column straight into its
 * type, strictly. Returns false (leaving nothing behind) at the first file it cannot read so, for
 * the careful way to take over.
 */
async function readTyped(
  engine: Engine,
  table: string,
  files: SourceFile[],
  source: SourceConfig,
  types: ReaderTypes,
): Promise<boolean> {
  const d = engine.dialect;
  const made: string[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const scan = csvScan(file, source);
      const sniffed = await engine.query<{ column_name: string; column_type: string }>(
        d.describeQuery(`SELECT * FROM ${d.fileScan(scan)}`),
      );
      const columnTypes = types(sniffed.map((c) => ({ name: c.column_name, type: c.column_type })));
      if (columnTypes === undefined) throw new Error('left to the careful path');
      scan.columnTypes = columnTypes;
      const part = `${table}_${i}`;
      await engine.exec(`DROP TABLE IF EXISTS ${d.ident(part)}`);
      made.push(part);
      await engine.exec(`CREATE TEMP TABLE ${d.ident(part)} AS SELECT * FROM ${d.fileScan(scan)}`);
    }
    return true;
  } catch {
    for (const t of made) await engine.exec(`DROP TABLE IF EXISTS ${d.ident(t)}`);
    return false;
  }
}

/**
 * Reads every file of a source into temporary tables, in file order, numbering rows as they
 * appear in their file. Runs before the ingest transaction: a file the engine cannot read must not
 * abort it.
 *
 * CSV files are read in two ways. Clean files (the usual case) are parsed strictly with each
 * column's type decided up front (`readerTypes`). When that fails anywhere — a ragged line, a bad
 * byte, a value that does not fit its type — every file of the source is read again as text, lines
 * the reader cannot parse are set aside (and returned, never dropped), and types are decided later
 * over all the values so each misfit can be rejected with its row.
 */
export async function stageSource(
  engine: Engine,
  name: string,
  files: SourceFile[],
  source: SourceConfig,
  readerTypes?: ReaderTypes,
): Promise<Stage> {
  const d = engine.dialect;
  const table = `__stage_${name}`;
  const parts: string[] = [];
  const partTables = files.map((_, i) => `${table}_${i}`);
  const rowsPerFile: number[] = [];
  const malformed: MalformedLine[] = [];
  const header = source.options?.header !== false;
  for (const file of files)
    if (file.size === 0)
      throw userError('empty_file', `${basename(file.path)} is empty (0 bytes)`, {
        at: { file: file.path },
        hint: 'remove it from the source, or export the data again',
      });
  const csv = files.every((f) => f.format === 'csv');
  const typed =
    csv && readerTypes !== undefined && (await readTyped(engine, table, files, source, readerTypes));
  const allText = csv && !typed;
  for (const [i, file] of files.entries()) {
    const part = partTables[i]!;
    const rejects = { table: `${part}_rejects`, scan: `${part}_scans` };
    let scan: FileScan = { format: file.format, paths: [file.path] };
    if (!typed) {
      if (file.format === 'csv') {
        scan = { ...csvScan(file, source), allText: true };
        if (d.can('rejectCapture')) scan.rejects = rejects;
      }
      if (file.format === 'parquet') scan.fileRowNumber = true;
      await engine.exec(`DROP TABLE IF EXISTS ${d.ident(part)}`);
      try {
        // Parquet files are typed, numbered (file_row_number) and fast to read again: a view
        // over the file is enough, and saves copying it.
        await engine.exec(
          `CREATE TEMP ${file.format === 'parquet' ? 'VIEW' : 'TABLE'} ${d.ident(part)} AS SELECT * FROM ${d.fileScan(scan)}`,
        );
      } catch (e) {
        throw readError(file, e, source);
      }
    }
    // Lines set aside by the reader: numbered as data records, header excluded.
    const setAside: { line: number; kind: string; text: string; message: string }[] = scan.rejects
      ? await engine.query(
          `SELECT DISTINCT ON (line) line, kind, text, message FROM (${d.rejectedLines(rejects)}) ORDER BY line`,
        )
      : [];
    for (const r of setAside)
      malformed.push({
        fileIndex: i,
        row: r.line - (header ? 1 : 0),
        kind: /encoding|unicode/i.test(r.kind) ? 'invalid_encoding' : 'malformed_row',
        text: r.text,
        message: r.message,
      });
    const [{ n }] = (await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${d.ident(part)}`)) as [
      { n: number },
    ];
    rowsPerFile.push(n);
    // Row numbers: the n-th parsed record is record n + (lines set aside before it). A set-aside
    // line j (1-based, record r_j) has r_j - j parsed records before it.
    // Positions count from the table's first row id, not from 0: inside a transaction DuckDB
    // numbers the rows of a table created in it from a large offset (2^55), not from 0.
    const position = `(${d.rowId()} - (SELECT min(${d.rowId()}) FROM ${d.ident(part)}) + 1)`;
    let rowExpr = position;
    if (file.format === 'parquet' && !typed) rowExpr = 'file_row_number + 1';
    if (setAside.length > 0) {
      const gaps = setAside.map((r, j) => r.line - (header ? 1 : 0) - (j + 1));
      rowExpr = `(${rowExpr}) + (SELECT count(*) FROM (VALUES ${gaps.map((g) => `(${g})`).join(', ')}) AS g(before) WHERE g.before < ${position})`;
    }
    const exclude = file.format === 'parquet' ? ' EXCLUDE (file_row_number)' : '';
    parts.push(
      `SELECT ${i} AS ${FILE_INDEX}, CAST(${rowExpr} AS BIGINT) AS ${ROW_NUMBER}, *${exclude} FROM ${d.ident(part)}`,
    );
    if (scan.rejects) for (const s of d.dropRejected(rejects)) await engine.exec(s);
  }
  // A view, not a copy: the parts are read once more, when the rows are checked.
  await engine.exec(`DROP VIEW IF EXISTS ${d.ident(table)}`);
  await engine.exec(`CREATE TEMP VIEW ${d.ident(table)} AS ${d.unionByName(parts)}`);
  const columns = (await describeColumns(engine, table)).filter(
    (c) => c.name !== FILE_INDEX && c.name !== ROW_NUMBER,
  );
  return {
    table,
    parts: partTables.map((name, i) => ({ name, view: !typed && files[i]!.format === 'parquet' })),
    columns,
    files,
    rowsPerFile,
    malformed,
    allText,
  };
}

/** Drops a stage's view and tables. */
export async function dropStage(tx: Engine, stage: Stage): Promise<void> {
  await tx.exec(`DROP VIEW IF EXISTS ${tx.dialect.ident(stage.table)}`);
  for (const p of stage.parts)
    await tx.exec(`DROP ${p.view ? 'VIEW' : 'TABLE'} IF EXISTS ${tx.dialect.ident(p.name)}`);
}
