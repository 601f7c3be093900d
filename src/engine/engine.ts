import type { Dialect } from '../dialect/dialect.js';

/** A scalar that can be bound as a statement parameter. */
export type SqlValue = string | number | bigint | boolean | null;

/** One result row, with values converted to plain JSON-friendly JavaScript. */
export type Row = Record<string, RowValue>;
export type RowValue = string | number | boolean | null | RowValue[] | { [key: string]: RowValue };

/** A block of rows from a streamed result, read column by column. */
export interface Chunk {
  readonly rowCount: number;
  readonly columnNames: readonly string[];
  /** The values of column `index` converted like {@link Row} values. */
  values(index: number): RowValue[];
  /** Column `index` as numbers (NULL → NaN), written into `out` from `offset`. */
  numbers(index: number, out: Float64Array, offset: number): void;
}

/** Logical column types for bulk appends; the engine maps them to its own. */
export type AppendType = 'string' | 'double' | 'integer' | 'boolean' | 'date' | 'timestamp';

/** A column to append: `values` holds one entry per row (null for missing). */
export interface AppendColumn {
  name: string;
  type: AppendType;
  values: ArrayLike<string | number | boolean | null>;
}

/**
 * The only door to a database. Every stage asks an Engine to run SQL that it built through the
 * engine's {@link Dialect}; nothing else in segtrack imports a database driver.
 *
 * An Engine serialises its statements: concurrent callers queue, and a transaction holds the
 * engine until it ends, so a request can never see half of somebody else's transaction.
 */
/** How {@link Engine.execUnordered} writes. */
export interface WriteOptions {
  /**
   * The table is rebuilt on every run (the feature table): favour write speed over file size by
   * skipping the engine's costliest compression methods.
   */
  transient?: boolean;
}

export interface Engine {
  /** The engine's name, e.g. `duckdb`. */
  readonly name: string;
  /** How to write SQL for this engine. */
  readonly dialect: Dialect;
  /** Where the workspace lives (a file path, or `:memory:`). */
  readonly location: string;

  /** Runs one statement (or several separated by `;`), discarding any result. */
  exec(sql: string, params?: SqlValue[]): Promise<void>;
  /**
   * Runs one statement that writes rows whose order does not matter (a derived table, a bulk
   * insert), letting the engine write in parallel. Never use it where row order is relied on.
   */
  execUnordered(sql: string, options?: WriteOptions): Promise<void>;
  /** Runs a query and returns every row as a plain object. */
  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs a query and streams its result chunk by chunk, in bounded memory. */
  stream(sql: string, params?: SqlValue[]): AsyncIterable<Chunk>;
  /** Runs a query and returns its numeric columns as typed arrays (NULL → NaN). */
  numericColumns(sql: string, params?: SqlValue[]): Promise<Record<string, Float64Array>>;
  /**
   * Appends rows given column-wise to an existing table (its plain, unquoted name), much faster
   * than INSERTs; `temporary` for a table made with CREATE TEMP TABLE.
   */
  append(table: string, columns: AppendColumn[], options?: { temporary?: boolean }): Promise<void>;
  /**
   * Runs `work` in one transaction: all of it is committed, or on any error none of it is.
   * Statements inside must go through the `tx` handle.
   */
  transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T>;
  /** Closes the connection (and the database if this engine opened it). */
  close(): Promise<void>;
}
