import { userError } from '../core/errors.js';

/** Portable column types; each dialect names them in its own words. */
export type LogicalType = 'string' | 'integer' | 'double' | 'boolean' | 'date' | 'timestamp' | 'json';

/** What kind of value a column holds, whatever the engine calls its type. */
export type ValueKind = 'number' | 'string' | 'boolean' | 'date' | 'timestamp';

/** Things an engine may or may not do. A dialect must state every one (see {@link BaseDialect.can}). */
export interface Capabilities {
  /** `ROW_NUMBER() OVER (…)` and friends. */
  windowFunctions: boolean;
  /** `QUALIFY` to filter on window results. */
  qualify: boolean;
  /** Reads CSV/Parquet/JSON files in SQL (`FROM read_csv(…)`). */
  fileScan: boolean;
  /** The file scan can set malformed lines aside into a table instead of failing. */
  rejectCapture: boolean;
  /** `CREATE`/`DROP` inside a transaction roll back with it. */
  transactionalDdl: boolean;
  /** `COPY (query) TO 'file'` writes CSV/Parquet files. */
  copyToFile: boolean;
}

/** A scan of data files, as the ingest stage asks for it. */
export interface FileScan {
  format: 'csv' | 'parquet' | 'json' | 'jsonl';
  /** Absolute paths, read in this order. */
  paths: string[];
  /** CSV: field delimiter (sniffed when absent). */
  delimiter?: string;
  /** CSV: whether the first line names the columns (default true). */
  header?: boolean;
  /** CSV: quote character. */
  quote?: string;
  /** CSV: escape character. */
  escape?: string;
  /** CSV: text that stands for NULL, besides the empty field. */
  nullString?: string;
  /** CSV: read every column as text (types are decided later, over the whole file). */
  allText?: boolean;
  /** CSV: character encoding (utf-8 by default; latin-1, utf-16). */
  encoding?: string;
  /** Set malformed lines aside under this name (requires `rejectCapture`). */
  rejects?: { table: string; scan: string };
  /** CSV: the type of each column (engine type names); others are sniffed. */
  columnTypes?: Record<string, string>;
  /** Parquet: add the 0-based row number within the file as `file_row_number`. */
  fileRowNumber?: boolean;
}

/** An engine feature that this dialect lacks: a clear diagnostic, never silently different SQL. */
export function featureUnsupported(engine: string, feature: string): Error {
  return userError('feature-unsupported', `the ${engine} engine does not support ${feature}`, {
    hint: 'run this step on the embedded DuckDB engine, or choose another option',
  });
}

/**
 * How to write SQL for one engine. Stages build their SQL only through a Dialect, so a new engine
 * is a new implementation of this interface (usually a small subclass of {@link BaseDialect}).
 */
export interface Dialect {
  readonly name: string;
  /** Whether the engine has a capability; throws when the dialect forgot to declare it. */
  can(capability: keyof Capabilities): boolean;
  /** Quotes an identifier (table or column name). */
  ident(name: string): string;
  /** Quotes a value as a SQL literal: the one function through which user values enter SQL. */
  literal(value: string | number | boolean | null): string;
  /** The engine's name for a logical type. */
  type(t: LogicalType): string;
  /** `CAST(expr AS t)`. */
  cast(expr: string, t: LogicalType): string;
  /** A cast that yields NULL instead of failing. */
  tryCast(expr: string, t: LogicalType): string;
  /**
   * Reads a value as a timestamp, NULL if it cannot. Text in ISO forms is read with or without a
   * zone offset (offsets become UTC) when `fromText`; otherwise the value is cast as it is.
   */
  tryTimestamp(expr: string, fromText?: boolean): string;
  /** Whole days from `from` to `to` (both dates or timestamps). */
  daysBetween(from: string, to: string): string;
  /** Truncates a date/timestamp to the start of its day, week, month, quarter or year. */
  dateTrunc(unit: 'day' | 'week' | 'month' | 'quarter' | 'year', expr: string): string;
  /** `expr` plus `n` days (n may be an expression). */
  addDays(expr: string, n: string | number): string;
  /** The current timestamp of the statement. */
  now(): string;
  /** A table expression reading data files (requires `fileScan`). */
  fileScan(scan: FileScan): string;
  /** A function call, through the dialect's overrides when it spells the function differently. */
  fn(name: string, ...args: string[]): string;
  /** A query describing a query's result columns, as rows of `column_name`, `column_type`. */
  describeQuery(sql: string): string;
  /**
   * The kind of value held by a column whose type the engine reports as `engineType` (from
   * {@link describeQuery} or `information_schema`), undefined for kinds segtrack has no use for.
   */
  valueKind(engineType: string): ValueKind | undefined;
  /** A statement writing a query's result to a file (requires `copyToFile`). */
  copyToFile(sql: string, path: string, format: 'csv' | 'parquet' | 'json'): string;
  /** A statement that makes committed changes durable in the database file. */
  checkpoint(): string;
  /** `UNION ALL` of queries matching columns by name (missing columns are NULL). */
  unionByName(queries: string[]): string;
  /**
   * An aggregate counting the distinct non-NULL values of `expr` in a group, like
   * `COUNT(DISTINCT expr)` (which is what the base dialect writes); a dialect may spell it faster.
   */
  countDistinct(expr: string): string;
  /**
   * In one grouping pass, the number of distinct values of `key` per group and the sum of `value`
   * over the group's rows whose key is the group's smallest (e.g. purchase days and the first
   * day's revenue): `inner` are aggregates to add to the grouping query (aliased `<prefix>_…`),
   * `distinct` and `sumAtMin` expressions over those aliases for a query around it. Undefined when
   * the engine has no such aggregate (the base dialect): the caller then joins the group's smallest
   * key back to the rows.
   */
  distinctAndSumAtMin(
    key: string,
    value: string,
    prefix: string,
  ): { inner: string[]; distinct: string; sumAtMin: string } | undefined;
  /**
   * HMAC-SHA-256 (RFC 2104) of a text value's UTF-8 bytes, as lower-case hex; NULL stays NULL.
   * `padTable` is a one-row table with the key's inner and outer pads as hex text (`ipad`,
   * `opad`), so the key never appears in SQL text.
   */
  hmacSha256Hex(value: string, padTable: string): string;
  /** A column that numbers a table's rows in insertion order (from an engine-chosen base: subtract its minimum). */
  rowId(): string;
  /**
   * A query over the lines a file scan set aside, with columns `line` (1-based record number,
   * header included), `kind`, `text` (the line as read) and `message` (requires `rejectCapture`).
   */
  rejectedLines(rejects: { table: string; scan: string }): string;
  /** Statements that remove what a file scan set aside. */
  dropRejected(rejects: { table: string; scan: string }): string[];
}

/**
 * Standard SQL shared by the dialects. Subclasses set {@link capabilities} and {@link functionOverrides}
 * and override only what their engine spells differently.
 */
export abstract class BaseDialect implements Dialect {
  abstract readonly name: string;
  protected abstract readonly capabilities: Partial<Capabilities>;
  /** Function templates by name: `{ log: 'LN(${0}) / LN(${1})' }`, `${i}` is the i-th argument. */
  protected readonly functionOverrides: Record<string, string> = {};
  protected abstract readonly typeNames: Record<LogicalType, string>;

  can(capability: keyof Capabilities): boolean {
    const v = this.capabilities[capability];
    if (v === undefined) throw new Error(`dialect ${this.name} does not declare capability '${capability}'`);
    return v;
  }

  ident(name: string): string {
    if (name.includes('\u0000'))
      throw userError(
        'invalid_identifier',
        `a column or table name contains a NUL character: ${JSON.stringify(name.slice(0, 40))}`,
        {
          hint: 'rename the column in the file (or select it under another name)',
        },
      );
    return `"${name.replaceAll('"', '""')}"`;
  }

  literal(value: string | number | boolean | null): string {
    if (value === null) return 'NULL';
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a SQL literal`);
      return String(value);
    }
    // Control characters are legal inside standard SQL strings; only quotes need doubling.
    return `'${value.replaceAll("'", "''")}'`;
  }

  type(t: LogicalType): string {
    return this.typeNames[t];
  }

  cast(expr: string, t: LogicalType): string {
    return `CAST(${expr} AS ${this.type(t)})`;
  }

  abstract tryCast(expr: string, t: LogicalType): string;

  tryTimestamp(expr: string, _fromText = true): string {
    return this.tryCast(expr, 'timestamp');
  }

  daysBetween(from: string, to: string): string {
    return `(CAST(${to} AS DATE) - CAST(${from} AS DATE))`;
  }

  dateTrunc(unit: 'day' | 'week' | 'month' | 'quarter' | 'year', expr: string): string {
    return `DATE_TRUNC(${this.literal(unit)}, ${expr})`;
  }

  addDays(expr: string, n: string | number): string {
    return `(${expr} + (${n}) * INTERVAL '1 day')`;
  }

  now(): string {
    return 'CURRENT_TIMESTAMP';
  }

  fileScan(_scan: FileScan): string {
    throw featureUnsupported(this.name, 'reading data files in SQL');
  }

  copyToFile(_sql: string, _path: string, _format: 'csv' | 'parquet' | 'json'): string {
    throw featureUnsupported(this.name, 'writing query results to files');
  }

  checkpoint(): string {
    return 'CHECKPOINT';
  }

  valueKind(engineType: string): ValueKind | undefined {
    const t = engineType.toUpperCase().trim();
    // Arrays and lists (`INTEGER[]`) are not their element's kind.
    if (t.includes('[')) return undefined;
    if (/^(SMALLINT|INTEGER|INT|BIGINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC)(\(.*\))?$/.test(t)) return 'number';
    if (/^(VARCHAR|TEXT|CHAR|CHARACTER)(\(.*\))?$/.test(t)) return 'string';
    if (t === 'BOOLEAN') return 'boolean';
    if (t === 'DATE') return 'date';
    if (t.startsWith('TIMESTAMP')) return 'timestamp';
    return undefined;
  }

  describeQuery(_sql: string): string {
    throw featureUnsupported(this.name, 'describing a query');
  }

  unionByName(queries: string[]): string {
    if (queries.length === 1) return queries[0]!;
    throw featureUnsupported(this.name, 'UNION ALL BY NAME');
  }

  countDistinct(expr: string): string {
    return `COUNT(DISTINCT ${expr})`;
  }

  distinctAndSumAtMin(
    _key: string,
    _value: string,
    _prefix: string,
  ): { inner: string[]; distinct: string; sumAtMin: string } | undefined {
    return undefined;
  }

  hmacSha256Hex(_value: string, _padTable: string): string {
    throw featureUnsupported(this.name, 'keyed hashing (HMAC-SHA-256) in SQL');
  }

  rowId(): string {
    throw featureUnsupported(this.name, 'row numbers in insertion order');
  }

  rejectedLines(_rejects: { table: string; scan: string }): string {
    throw featureUnsupported(this.name, 'setting malformed lines aside');
  }

  dropRejected(_rejects: { table: string; scan: string }): string[] {
    throw featureUnsupported(this.name, 'setting malformed lines aside');
  }

  fn(name: string, ...args: string[]): string {
    const template = this.functionOverrides[name.toLowerCase()];
    if (template === undefined) return `${name.toUpperCase()}(${args.join(', ')})`;
    return template.replace(/\$\{(\d+)\}/g, (_, i: string) => {
      const a = args[Number(i)];
      if (a === undefined) throw new Error(`function ${name} needs argument ${i}`);
      return a;
    });
  }
}
