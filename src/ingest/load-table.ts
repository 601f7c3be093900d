import { basename } from 'node:path';
import { EngineError, UserError, userError, type Problem } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { SourceConfig } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { CANONICAL, type CanonicalTableName } from '../model/canonical.js';
import { preparePiiKey, WITHHELD, type PiiTreatment } from '../privacy/pii.js';
import { LOAD_ID_COLUMN } from '../workspace/schema.js';
import {
  castName,
  canonicalValue,
  checkDetail,
  firstFailingIndex,
  mappedName,
  rowChecks,
  type RowCheck,
} from './checks.js';
import type { SourceFile } from './files.js';
import { columnsNeedingTypes, mapColumns, sourcePosition, type ColumnMapping } from './mapping.js';
import { referencedColumns } from './sql-references.js';
import { dropStage, FILE_INDEX, ROW_NUMBER, type ReaderTypes, type Stage } from './stage.js';
import { inferTypes, readAs, unparseableReason, type InferredType } from './typing.js';

/** How the rows of one table were accounted for: `source_rows = excluded + rejected + accepted`. */
export interface TableCounts {
  source_rows: number;
  excluded: number;
  rejected: number;
  accepted: number;
  /** Rows written to the canonical table (orders after grouping line items, say). */
  loaded: number;
}

/** What loading one table did. */
export interface TableLoad {
  table: CanonicalTableName;
  counts: TableCounts;
  files: SourceFile[];
  warnings: string[];
}

/** A table ready to be written: its checked rows and rejected lines, in temporary tables. */
export interface PreparedTable extends TableLoad {
  /** Temporary table of checked rows (canonical values and the first failing check). */
  checked: string;
  /** Temporary table of rejected source lines (file index, row, reason, column, value, detail). */
  rejectedLines: string;
  loadId: number;
  mode: 'replace' | 'append';
  /** Personal-data columns the source maps: their rejected values are withheld. */
  piiMapped: string[];
}

/** Settings for {@link prepareTable}. */
export interface LoadTableOptions {
  table: CanonicalTableName;
  source: SourceConfig;
  files: SourceFile[];
  /** The files, already read by {@link stageSource} (before the transaction). */
  stage: Stage;
  mode: 'replace' | 'append';
  loadId: number;
  /** Moment of ingestion (`YYYY-MM-DD HH:MM:SS`), for the future-date check. */
  now: string;
  configPath: string;
  progress: (message: string) => void;
  /** The table's personal-data columns and their treatment (`piiColumns`). */
  pii?: ReadonlyMap<string, PiiTreatment>;
  /** Where the pseudonymisation key is read from (default: the process's environment). */
  env?: NodeJS.ProcessEnv;
}

const ORD = '__ord';
const PERR = '__perr';
const PERR_COL = '__perr_col';
const PERR_VAL = '__perr_val';
const REASON = '__reason';
const RCOL = '__rcol';
const RVAL = '__rval';
const LINES = '__lines';

/** Engine messages about a snippet, reworded for the config's author. */
function snippetProblem(e: unknown, what: string, at: Problem['at'], columns: string[]): Problem {
  const detail = e instanceof EngineError ? e.detail : String(e);
  const missing = /Referenced column "([^"]+)" not found/.exec(detail)?.[1];
  if (missing !== undefined)
    return {
      code: 'unknown_source_column',
      message: `${what} uses '${missing}', which is not a column of the file`,
      ...(at ? { at } : {}),
      hint: didYouMean(missing, columns),
    };
  const mustGroup = /column "([^"]+)" must appear in the GROUP BY/.exec(detail)?.[1];
  if (mustGroup !== undefined)
    return {
      code: 'not_aggregated',
      message: `${what} uses '${mustGroup}' per line, but the source groups lines (group_by)`,
      ...(at ? { at } : {}),
      hint: `wrap it in an aggregate such as min(${mustGroup}) or sum(${mustGroup}), or add it to group_by`,
    };
  const first = detail.split('\n')[0]!.replace(/^[A-Za-z ]+Error:\s*/, '');
  let hint = 'the expression is SQL over the source file’s columns';
  if (/No function matches.*VARCHAR/.test(detail))
    hint =
      'a column used in arithmetic was read as text because some values are not numbers; fix them, or force the type with options: {types: {Column: double}} to reject the rows that do not fit';
  return { code: 'invalid_expression', message: `${what}: ${first}`, ...(at ? { at } : {}), hint };
}

/**
 * A snippet that failed on a value while the rows were computed (a CAST or strptime that does not
 * fit every row), as a user error naming the snippet when the engine's message shows which one.
 * Undefined for any other failure.
 */
function valueProblem(
  e: unknown,
  snippets: { what: string; key: string; sql: string }[],
  source: SourceConfig,
  configPath: string,
  files: SourceFile[],
): UserError | undefined {
  if (!(e instanceof EngineError)) return undefined;
  const detail = e.detail;
  if (!/^(Conversion|Invalid Input|Out of Range) Error/i.test(detail)) return undefined;
  const column = /source column (\S+)/.exec(detail)?.[1]?.replace(/^"|"$/g, '');
  let culprits = snippets.filter((s) => detail.includes(s.sql));
  if (culprits.length === 0 && column !== undefined)
    culprits = snippets.filter((s) => referencedColumns(s.sql, [column]).length > 0);
  if (culprits.length === 0 && /format specifier/.test(detail))
    culprits = snippets.filter((s) => /strptime/i.test(s.sql));
  const one = culprits.length === 1 ? culprits[0]! : undefined;
  const names = files.map((f) => basename(f.path));
  const inFiles =
    names.length === 1 ? names[0]! : `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
  const first = detail.split('\n')[0]!.replace(/^[A-Za-z ]+Error:\s*/, '');
  const what = one?.what ?? 'a column expression or the filter';
  return userError('expression_failed', `${what} failed on a value in ${inFiles}: ${first}`, {
    at: one ? sourcePosition(source, configPath, one.key) : { file: files[0]!.path },
    hint:
      'use the forms that give NULL instead of failing (TRY_CAST(…), try_strptime(…)) so the rows whose value does not fit ' +
      'are rejected and counted, or map the column directly and let segtrack read the values',
  });
}

/**
 * The types a clean CSV file's columns are read as: a column mapped as is to a canonical column
 * gets that column's type (text for text, booleans and JSON, converted later); a column that
 * expressions compute with gets its forced type (`options.types`) or the engine's sniffed one;
 * every other column is read as text, which never fails.
 */
export function readerTypes(
  table: CanonicalTableName,
  source: SourceConfig,
  d: Engine['dialect'],
): ReaderTypes {
  return (sniffed) => {
    const names = sniffed.map((c) => c.name);
    const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
    const { mappings, problems } = mapColumns(table, source, names, d, '', '');
    // A file the sniffer read oddly (one column holding a whole ragged line, say) is left to the
    // careful path, which reports what is really wrong.
    if (problems.length > 0 || (names.length === 1 && /[,;\t|]/.test(names[0]!))) return undefined;
    const out: Record<string, string> = {};
    for (const c of sniffed) out[c.name] = d.type('string');
    const forced = Object.fromEntries(
      Object.entries(source.options?.types ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    for (const c of columnsNeedingTypes(source, mappings, names)) {
      const f = forced[c.toLowerCase()];
      out[c] = f !== undefined ? d.type(f) : (sniffed.find((s) => s.name === c)?.type ?? d.type('string'));
    }
    for (const m of mappings) {
      const col = m.bare !== undefined ? byLower.get(m.bare.toLowerCase()) : undefined;
      if (col === undefined) continue;
      const t = m.column.type;
      out[col] = t === 'string' || t === 'boolean' || t === 'json' ? d.type('string') : d.type(t);
    }
    return out;
  };
}

/**
 * Prepares one canonical table from its staged files, before the ingest transaction: types the
 * columns used, applies the filter, maps (and groups) to canonical columns, checks every row and
 * finds duplicate keys. The result is written by {@link writeTable}. Running this outside the
 * transaction keeps a failing expression from aborting it, and keeps the final write fast (DuckDB
 * reads tables created inside the writing transaction about half as fast).
 */
export async function prepareTable(tx: Engine, o: LoadTableOptions): Promise<PreparedTable> {
  const d = tx.dialect;
  const { table, source } = o;
  const warnings: string[] = [];
  const def = CANONICAL[table];
  const stage = o.stage;
  const sourceColumns = stage.columns.map((c) => c.name);
  const firstFile = o.files[0]!.path;
  for (const [i, n] of stage.rowsPerFile.entries())
    if (n === 0 && !stage.malformed.some((m) => m.fileIndex === i))
      warnings.push(`${basename(o.files[i]!.path)} has no data rows`);

  // 1. Canonical columns from source columns.
  const { mappings, problems } = mapColumns(table, source, sourceColumns, d, o.configPath, firstFile);
  for (const m of mappings) {
    const treatment = o.pii?.get(m.column.name);
    if (treatment !== undefined && m.expr !== undefined) m.pii = treatment;
  }
  // Refuse before anything is written when personal data would need a key that is not there.
  if (mappings.some((m) => m.pii === 'hash')) await preparePiiKey(tx, o.env);
  const groupBy = source.group_by ?? [];
  for (const g of groupBy)
    if (!sourceColumns.some((c) => c.toLowerCase() === g.toLowerCase()))
      problems.push({
        code: 'unknown_source_column',
        message: `sources.${table}.group_by names '${g}', which is not a column of the file`,
        at: sourcePosition(source, o.configPath, 'group_by'),
        hint: didYouMean(g, sourceColumns),
      });
  if (problems.length > 0) throw new UserError(problems);

  // 2. Types for the text columns that expressions compute with.
  const forced = Object.fromEntries(
    Object.entries(source.options?.types ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const toType = stage.allText ? columnsNeedingTypes(source, mappings, sourceColumns) : [];
  const inferred: Record<string, InferredType> = await inferTypes(
    tx,
    stage.table,
    toType.filter((c) => forced[c.toLowerCase()] === undefined),
  );
  const types = new Map<string, InferredType | 'date'>();
  for (const c of toType) {
    const t = forced[c.toLowerCase()] ?? inferred[c];
    if (t !== undefined && t !== 'string') types.set(c, t);
  }
  // Typed values are computed once, in an inner query that keeps the raw text beside them; the
  // outer query flags the first value that did not read as its column's type.
  const typedEntries = [...types.entries()];
  const rawName = (i: number) => `__raw${i}`;
  const inner = [
    FILE_INDEX,
    ROW_NUMBER,
    ...stage.columns.map((c) => {
      const t = types.get(c.name);
      const col = d.ident(c.name);
      if (t === undefined) return col;
      return `${readAs(d, col, t)} AS ${col}`;
    }),
    ...typedEntries.map(([c], i) => `NULLIF(TRIM(${d.ident(c)}), '') AS ${rawName(i)}`),
  ];
  const parseChecks = typedEntries.map(([c, t], i) => ({
    when: `${rawName(i)} IS NOT NULL AND ${d.ident(c)} IS NULL`,
    reason: unparseableReason(t),
    column: c,
    value: rawName(i),
  }));
  const perr = (pick: 'reason' | 'column' | 'value') =>
    parseChecks.length === 0
      ? `CAST(NULL AS ${d.type('string')})`
      : `CASE ${parseChecks.map((p) => `WHEN ${p.when} THEN ${pick === 'reason' ? d.literal(p.reason) : pick === 'column' ? d.literal(p.column) : `LEFT(${p.value}, 200)`}`).join(' ')} END`;
  // The typed rows are a query, not a table: the whole pipeline below runs as one statement.
  const typedSql =
    `SELECT ${FILE_INDEX}, ${ROW_NUMBER}, CAST(${FILE_INDEX} AS BIGINT) * 1000000000000 + ${ROW_NUMBER} AS ${ORD}, ` +
    `${perr('reason')} AS ${PERR}, ${perr('column')} AS ${PERR_COL}, ${perr('value')} AS ${PERR_VAL}, ` +
    `${stage.columns.map((c) => d.ident(c.name)).join(', ')} ` +
    `FROM (SELECT ${inner.join(', ')} FROM ${d.ident(stage.table)})`;

  // 3. Check that the filter and every expression make sense over this file, all at once.
  const filter = source.filter !== undefined ? `coalesce((${source.filter}), FALSE)` : 'TRUE';
  const grouped = groupBy.length > 0;
  const groupCols = groupBy.map((g) =>
    d.ident(sourceColumns.find((c) => c.toLowerCase() === g.toLowerCase())!),
  );
  const isGroupCol = (bare: string | undefined) =>
    bare !== undefined && groupBy.some((g) => g.toLowerCase() === bare.toLowerCase());
  const exprOf = (m: ColumnMapping): string => {
    if (m.expr === undefined) return 'NULL';
    // A bare per-line column in a grouped source: one value per group, checked below.
    if (grouped && m.bare !== undefined && !isGroupCol(m.bare)) return `min(${d.ident(m.bare)})`;
    return `(${m.expr})`;
  };
  const bindProblems: Problem[] = [];
  const tryBind = async (sql: string, what: string, key: string) => {
    try {
      await tx.query(`${sql} LIMIT 0`);
    } catch (e) {
      bindProblems.push(snippetProblem(e, what, sourcePosition(source, o.configPath, key), sourceColumns));
    }
  };
  if (source.filter !== undefined)
    await tryBind(`SELECT 1 FROM (${typedSql}) WHERE ${filter}`, `sources.${table}.filter`, 'filter');
  for (const m of mappings)
    if (m.expr !== undefined && m.explicit)
      await tryBind(
        `SELECT ${exprOf(m)} FROM (${typedSql})${grouped ? ` GROUP BY ${groupCols.join(', ')}` : ''}`,
        `sources.${table}.columns.${m.column.name}`,
        `columns.${m.column.name}`,
      );
  if (bindProblems.length > 0) throw new UserError(bindProblems);

  // 4. One statement: type, filter, map (grouping line items when asked), convert to canonical
  //    types and find each row's first failing check.
  o.progress(`${table}: mapping and checking rows`);
  // A snippet can bind and still fail on a value (CAST, strptime): that is the config's or the
  // file's problem, reported as a user error; the transaction is aborted, so nothing is loaded.
  const snippets = [
    ...(source.filter !== undefined
      ? [{ what: `sources.${table}.filter`, key: 'filter', sql: source.filter }]
      : []),
    ...mappings
      .filter((m) => m.expr !== undefined && m.explicit)
      .map((m) => ({
        what: `sources.${table}.columns.${m.column.name}`,
        key: `columns.${m.column.name}`,
        sql: m.expr!,
      })),
  ];
  const compute = async (sql: string): Promise<void> => {
    try {
      await tx.exec(sql);
    } catch (e) {
      throw valueProblem(e, snippets, source, o.configPath, o.files) ?? e;
    }
  };
  const keptSql = `SELECT * FROM (${typedSql}) WHERE ${filter}`;
  const mappedCols = mappings.map((m) => `${exprOf(m)} AS ${d.ident(mappedName(m.column.name))}`);
  const inconsistent = mappings.filter((m) => grouped && m.bare !== undefined && !isGroupCol(m.bare));
  let mappedSql: string;
  if (!grouped) {
    mappedSql = `SELECT ${ORD}, 1 AS ${LINES}, ${PERR}, ${PERR_COL}, ${PERR_VAL}, ${mappedCols.join(', ')} FROM (${keptSql})`;
  } else {
    const incons = inconsistent.map(
      (m, i) =>
        `count(DISTINCT ${d.ident(m.bare!)}) > 1 AS __incons${i}, ` +
        `CAST(min(${d.ident(m.bare!)}) AS ${d.type('string')}) || ' / ' || CAST(max(${d.ident(m.bare!)}) AS ${d.type('string')}) AS __inconsv${i}`,
    );
    mappedSql =
      `SELECT min(${ORD}) AS ${ORD}, count(*) AS ${LINES}, ` +
      `max(${PERR}) AS ${PERR}, arg_min(${PERR_COL}, CASE WHEN ${PERR} IS NOT NULL THEN ${ORD} END) AS ${PERR_COL}, ` +
      `arg_min(${PERR_VAL}, CASE WHEN ${PERR} IS NOT NULL THEN ${ORD} END) AS ${PERR_VAL}, ` +
      `${[...incons, ...mappedCols, ...groupCols.map((g, i) => `${g} AS __g${i}`)].join(', ')} ` +
      `FROM (${keptSql}) GROUP BY ${groupCols.join(', ')}`;
  }
  const checks: RowCheck[] = [
    {
      when: `${PERR} IS NOT NULL`,
      reason: 'rejected_line_in_group',
      ...(grouped ? {} : { reasonSql: PERR }),
      column: null,
      columnSql: PERR_COL,
      value: PERR_VAL,
    },
    ...inconsistent.map((m, i) => ({
      when: `__incons${i}`,
      reason: 'inconsistent_group',
      column: m.column.name,
      value: `__inconsv${i}`,
    })),
    ...rowChecks(d, table, mappings, o.now),
  ];
  for (const m of mappings) {
    const col =
      m.bare !== undefined ? sourceColumns.find((c) => c.toLowerCase() === m.bare!.toLowerCase()) : undefined;
    m.textInput =
      col !== undefined && stage.columns.find((c) => c.name === col)?.type === 'VARCHAR' && !types.has(col);
  }
  const casts = mappings.map((m) => `${canonicalValue(d, table, m)} AS ${d.ident(castName(m.column.name))}`);
  const k = '__k';
  const checked = `${stage.table}_checked`;
  // What the rest needs: order, line count, group keys and canonical values (not the raw ones).
  const keep = [
    ORD,
    LINES,
    ...groupCols.map((_, i) => `__g${i}`),
    ...mappings.map((m) => d.ident(castName(m.column.name))),
  ];
  await compute(
    `CREATE TEMP TABLE ${d.ident(checked)} AS SELECT ${keep.join(', ')}, ${checkDetail(d, checks, k, 'reason')} AS ${REASON}, ` +
      `${checkDetail(d, checks, k, 'column')} AS ${RCOL}, ${checkDetail(d, checks, k, 'value')} AS ${RVAL} ` +
      `FROM (SELECT *, ${firstFailingIndex(checks)} AS ${k} FROM (SELECT *, ${casts.join(', ')} FROM (${mappedSql})))`,
  );

  // 5. Duplicate keys: the first row (in file order) wins; in append mode, rows already loaded win.
  if (def.primaryKey) {
    const pk = def.primaryKey.map((c) => d.ident(castName(c)));
    const target = def.primaryKey.map((c) => d.ident(c));
    const seen =
      o.mode === 'append'
        ? `(${pk.join(', ')}) IN (SELECT (${target.join(', ')}) FROM ${d.ident(table)}${table === 'customers' ? ' WHERE NOT auto_created' : ''})`
        : 'FALSE';
    // Counting distinct keys is much cheaper than numbering rows per key: do the latter only
    // when there is something to find.
    // When the keys are plain source columns, the raw column answers without reading the checked rows.
    const rawKeys = def.primaryKey.map((c) => mappings.find((m) => m.column.name === c)?.bare);
    const dupes = await scalar(
      tx,
      !grouped && rawKeys.every((b) => b !== undefined)
        ? `SELECT count(*) - count(DISTINCT (${rawKeys.map((b) => d.ident(b)).join(', ')})) AS n FROM ${d.ident(stage.table)}`
        : `SELECT count(*) - count(DISTINCT (${pk.join(', ')})) AS n FROM ${d.ident(checked)} WHERE ${REASON} IS NULL`,
    );
    if (dupes > 0 || o.mode === 'append')
      await tx.exec(
        `UPDATE ${d.ident(checked)} SET ${REASON} = 'duplicate_key', ${RCOL} = ${d.literal(def.primaryKey.join(','))}, ` +
          `${RVAL} = dup.v FROM (SELECT ${ORD}, concat_ws(',', ${pk.join(', ')}) AS v, ` +
          `row_number() OVER (PARTITION BY ${pk.join(', ')} ORDER BY ${ORD}) AS rn, ${seen} AS seen ` +
          `FROM ${d.ident(checked)} WHERE ${REASON} IS NULL) dup ` +
          `WHERE dup.${ORD} = ${d.ident(checked)}.${ORD} AND (dup.rn > 1 OR dup.seen)`,
      );
  }

  // 6. Every rejected source line, with why: one row per row (or per line of a rejected group).
  const fileOf = (ord: string) => `CAST(${ord} // 1000000000000 AS INTEGER)`;
  const rowOf = (ord: string) => `${ord} % 1000000000000`;
  const rejectedLines = `${stage.table}_rejected`;
  const lineCols = `file_index, row_number, reason, column_name, value, detail`;
  if (!grouped) {
    await tx.exec(
      `CREATE TEMP TABLE ${d.ident(rejectedLines)} AS SELECT ${fileOf(ORD)} AS file_index, ${rowOf(ORD)} AS row_number, ` +
        `${REASON} AS reason, ${RCOL} AS column_name, ${RVAL} AS value, CAST(NULL AS ${d.type('string')}) AS detail ` +
        `FROM ${d.ident(checked)} WHERE ${REASON} IS NOT NULL ORDER BY ${ORD}`,
    );
  } else {
    // Every line of a rejected group is rejected with it; a line with its own problem says so.
    const on = groupCols.map((g, i) => `l.${g} IS NOT DISTINCT FROM g.__g${i}`).join(' AND ');
    await tx.exec(
      `CREATE TEMP TABLE ${d.ident(rejectedLines)} AS SELECT ${fileOf('l.' + ORD)} AS file_index, ${rowOf('l.' + ORD)} AS row_number, ` +
        `coalesce(l.${PERR}, g.${REASON}) AS reason, CASE WHEN l.${PERR} IS NOT NULL THEN l.${PERR_COL} ELSE g.${RCOL} END AS column_name, ` +
        `CASE WHEN l.${PERR} IS NOT NULL THEN l.${PERR_VAL} ELSE g.${RVAL} END AS value, ` +
        `CASE WHEN l.${PERR} IS NULL AND g.${REASON} = 'rejected_line_in_group' THEN 'another line of this group could not be read' END AS detail ` +
        `FROM (SELECT * FROM ${d.ident(checked)} WHERE ${REASON} IS NOT NULL) g JOIN (${keptSql}) l ON ${on} ORDER BY l.${ORD}`,
    );
  }
  if (stage.malformed.length > 0) {
    const values = stage.malformed.map(
      (m) =>
        `(${m.fileIndex}, ${m.row}, ${d.literal(m.kind)}, NULL, ${d.literal(m.text.slice(0, 200))}, ${d.literal(m.message.split('\n')[0] ?? '')})`,
    );
    await tx.exec(`INSERT INTO ${d.ident(rejectedLines)} (${lineCols}) VALUES ${values.join(', ')}`);
  }

  // 7. Accounting: every row read is accepted, excluded or rejected.
  const [acc] = await tx.query<{ accepted_rows: number; accepted_lines: number; rejected_lines: number }>(
    `SELECT count(*) FILTER (WHERE ${REASON} IS NULL) AS accepted_rows, ` +
      `coalesce(sum(${LINES}) FILTER (WHERE ${REASON} IS NULL), 0) AS accepted_lines, coalesce(sum(${LINES}) FILTER (WHERE ${REASON} IS NOT NULL), 0) AS rejected_lines ` +
      `FROM ${d.ident(checked)}`,
  );
  const parsed = stage.rowsPerFile.reduce((a, b) => a + b, 0);
  const acceptedLines = Number(acc?.accepted_lines ?? 0);
  const rejectedCount = Number(acc?.rejected_lines ?? 0);
  const counts: TableCounts = {
    source_rows: parsed + stage.malformed.length,
    excluded: parsed - acceptedLines - rejectedCount,
    rejected: rejectedCount + stage.malformed.length,
    accepted: acceptedLines,
    loaded: Number(acc?.accepted_rows ?? 0),
  };
  if (counts.excluded < 0)
    throw new Error(`ingest accounting does not add up for ${table}: ${JSON.stringify(counts)}`);
  // The source rows are no longer needed: free their memory before the writes.
  await dropStage(tx, stage);
  const piiMapped = mappings.filter((m) => m.pii !== undefined).map((m) => m.column.name);
  return {
    table,
    counts,
    files: o.files,
    warnings,
    checked,
    rejectedLines,
    loadId: o.loadId,
    mode: o.mode,
    piiMapped,
  };
}

/**
 * Writes a prepared table inside the ingest transaction: its accepted rows replace (or, in append
 * mode, join) the canonical table's, and its rejected lines go to `rejected_rows`. Only writes
 * happen here; everything that reads the files or may fail on a value ran in {@link prepareTable}.
 */
export async function writeTable(tx: Engine, p: PreparedTable): Promise<TableLoad> {
  const d = tx.dialect;
  const def = CANONICAL[p.table];
  if (p.mode === 'replace') {
    await tx.exec(`DELETE FROM ${d.ident(p.table)}`);
    await tx.exec(`DELETE FROM rejected_rows WHERE table_name = ${d.literal(p.table)}`);
  } else if (p.table === 'customers') {
    // A customer first seen in orders now has a real record: the record replaces the placeholder.
    await tx.exec(
      `DELETE FROM customers WHERE auto_created AND customer_id IN (SELECT ${d.ident(castName('customer_id'))} FROM ${d.ident(p.checked)} WHERE ${REASON} IS NULL)`,
    );
  }
  const targetCols = def.columns.map((c) => d.ident(c.name));
  await tx.exec(
    `INSERT INTO ${d.ident(p.table)} (${targetCols.join(', ')}, ${d.ident(LOAD_ID_COLUMN)}) ` +
      `SELECT ${def.columns.map((c) => d.ident(castName(c.name))).join(', ')}, ${p.loadId} ` +
      `FROM ${d.ident(p.checked)} WHERE ${REASON} IS NULL`,
  );
  const fileCase = `CASE file_index ${p.files.map((f, i) => `WHEN ${i} THEN ${d.literal(f.path)}`).join(' ')} END`;
  // Personal data never reaches rejected_rows: not a rejected personal-data value, nor the raw
  // text of an unreadable line (or its parser message) from a source that maps personal data.
  const withheld = d.literal(WITHHELD);
  const piiNames = p.piiMapped.map((c) => d.literal(c)).join(', ');
  const value =
    p.piiMapped.length === 0
      ? 'value'
      : `CASE WHEN column_name IN (${piiNames}) OR column_name IS NULL THEN CASE WHEN value IS NULL THEN NULL ELSE ${withheld} END ELSE value END`;
  const detail =
    p.piiMapped.length === 0
      ? 'detail'
      : `CASE WHEN column_name IS NULL AND detail IS NOT NULL THEN ${withheld} ELSE detail END`;
  await tx.exec(
    `INSERT INTO rejected_rows (load_id, table_name, file, row_number, reason, column_name, value, detail) ` +
      `SELECT ${p.loadId}, ${d.literal(p.table)}, ${fileCase}, row_number, reason, column_name, ${value}, ${detail} ` +
      `FROM ${d.ident(p.rejectedLines)} ORDER BY file_index, row_number`,
  );
  return { table: p.table, counts: p.counts, files: p.files, warnings: p.warnings };
}

/** Drops a prepared table's temporary tables. */
export async function dropPrepared(engine: Engine, p: PreparedTable): Promise<void> {
  for (const t of [p.checked, p.rejectedLines])
    await engine.exec(`DROP TABLE IF EXISTS ${engine.dialect.ident(t)}`);
}

async function scalar(tx: Engine, sql: string): Promise<number> {
  const [row] = await tx.query(sql);
  return Number(row?.['n'] ?? 0);
}
