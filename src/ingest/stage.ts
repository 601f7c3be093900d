import { basename } from 'node:path';
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
  /** The per-file tables behind the view, to drop when done ({@link dropStage}). */
  parts: string[];
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
export async function describeColumns(engine: Engine, table: string): Promise<{ name: string; type: string }[]> {
  const rows = await engine.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => ({ name: r.column_name, type: r.data_type }));
}

/** Turns a reader failure into an error that names the file and says what to try. */
function readError(file: SourceFile, e: unknown, source: SourceConfig): Error {
  const detail = e instanceof EngineError ? e.detail : e instanceof Error ? e.message : String(e);
  const firstLine = detail.split('\n').find((l) => l.trim() !== '') ?? detail;
  const line = /on line:?\s*(\d+)/i.exec(detail)?.[1];
  let hint = 'check that the file is a valid ' + file.format.toUpperCase() + ' file';
  if (/unicode|utf-?8|encoding/i.test(detail)) hint = 'the file is not UTF-8: set options: {encoding: latin-1} (or utf-16)';
  else if (file.format === 'csv' && source.options?.delimiter === undefined)
    hint = 'set options: {delimiter: ",", header: true} (and quote/escape) if the file is not standard CSV';
  else if (file.format === 'json' || file.format === 'jsonl')
    hint = `check the JSON syntax; for one object per line use format: jsonl`;
  return userError('malformed_file', `cannot read ${basename(file.path)}: ${firstLine.replace(/^[A-Za-z ]+Error:\s*/, '')}`, {
    at: line !== undefined ? { file: file.path, line: Number(line) } : { file: file.path },
    hint,
  });
}

/**
 * Reads every file of a source into a temporary table, in file order, numbering rows as they
 * appear in their file. CSV files are read as text (types are decided over all rows later);
 * lines the reader cannot parse are set aside and returned, never dropped.
 */
export async function stageSource(tx: Engine, name: string, files: SourceFile[], source: SourceConfig): Promise<Stage> {
  const d = tx.dialect;
  const table = `__stage_${name}`;
  const parts: string[] = [];
  const partTables: string[] = [];
  const rowsPerFile: number[] = [];
  const malformed: MalformedLine[] = [];
  const allText = files.every((f) => f.format === 'csv');
  const header = source.options?.header !== false;
  for (const [i, file] of files.entries()) {
    if (file.size === 0)
      throw userError('empty_file', `${basename(file.path)} is empty (0 bytes)`, {
        at: { file: file.path },
        hint: 'remove it from the source, or export the data again',
      });
    const part = `${table}_${i}`;
    partTables.push(part);
    const scan: FileScan = { format: file.format, paths: [file.path] };
    const rejects = { table: `${part}_rejects`, scan: `${part}_scans` };
    if (file.format === 'csv') {
      scan.allText = true;
      scan.header = header;
      const o = source.options;
      if (o?.delimiter !== undefined) scan.delimiter = o.delimiter;
      if (o?.quote !== undefined) scan.quote = o.quote;
      if (o?.escape !== undefined) scan.escape = o.escape;
      if (o?.null !== undefined) scan.nullString = o.null;
      const encoding = (o as { encoding?: string } | undefined)?.encoding;
      if (encoding !== undefined) scan.encoding = encoding;
      if (d.can('rejectCapture')) scan.rejects = rejects;
    }
    if (file.format === 'parquet') scan.fileRowNumber = true;
    await tx.exec(`DROP TABLE IF EXISTS ${d.ident(part)}`);
    try {
      await tx.exec(`CREATE TEMP TABLE ${d.ident(part)} AS SELECT * FROM ${d.fileScan(scan)}`);
    } catch (e) {
      throw readError(file, e, source);
    }
    // Lines set aside by the reader: numbered as data records, header excluded.
    const setAside: { line: number; kind: string; text: string; message: string }[] = scan.rejects
      ? await tx.query(`SELECT DISTINCT ON (line) line, kind, text, message FROM (${d.rejectedLines(rejects)}) ORDER BY line`)
      : [];
    for (const r of setAside)
      malformed.push({
        fileIndex: i,
        row: r.line - (header ? 1 : 0),
        kind: /encoding|unicode/i.test(r.kind) ? 'invalid_encoding' : 'malformed_row',
        text: r.text,
        message: r.message,
      });
    const [{ n }] = (await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${d.ident(part)}`)) as [{ n: number }];
    rowsPerFile.push(n);
    // Row numbers: the n-th parsed record is record n + (lines set aside before it). A set-aside
    // line j (1-based, record r_j) has r_j - j parsed records before it.
    let rowExpr = `${d.rowId()} + 1`;
    if (file.format === 'parquet') rowExpr = 'file_row_number + 1';
    if (setAside.length > 0) {
      const gaps = setAside.map((r, j) => r.line - (header ? 1 : 0) - (j + 1));
      rowExpr = `(${rowExpr}) + (SELECT count(*) FROM (VALUES ${gaps.map((g) => `(${g})`).join(', ')}) AS g(before) WHERE g.before < ${d.rowId()} + 1)`;
    }
    const exclude = file.format === 'parquet' ? ' EXCLUDE (file_row_number)' : '';
    parts.push(`SELECT ${i} AS ${FILE_INDEX}, CAST(${rowExpr} AS BIGINT) AS ${ROW_NUMBER}, *${exclude} FROM ${d.ident(part)}`);
    if (scan.rejects) for (const s of d.dropRejected(rejects)) await tx.exec(s);
  }
  // A view, not a copy: the parts are read once more, when the typed rows are built.
  await tx.exec(`DROP VIEW IF EXISTS ${d.ident(table)}`);
  await tx.exec(`CREATE TEMP VIEW ${d.ident(table)} AS ${d.unionByName(parts)}`);
  const columns = (await describeColumns(tx, table)).filter((c) => c.name !== FILE_INDEX && c.name !== ROW_NUMBER);
  return { table, parts: partTables, columns, files, rowsPerFile, malformed, allText };
}

/** Drops a stage's view and tables. */
export async function dropStage(tx: Engine, stage: Stage): Promise<void> {
  await tx.exec(`DROP VIEW IF EXISTS ${tx.dialect.ident(stage.table)}`);
  for (const p of stage.parts) await tx.exec(`DROP TABLE IF EXISTS ${tx.dialect.ident(p)}`);
}
