import {
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTimestampValue,
  DuckDBDateValue,
  type DuckDBValue,
  type DuckDBType,
  type DuckDBVector,
  DuckDBTypeId,
} from '@duckdb/node-api';
import { EngineError } from '../../core/errors.js';
import { DuckDBDialect } from '../../dialect/duckdb/duckdb-dialect.js';
import type { WriteOptions, AppendColumn, Chunk, Engine, Row, RowValue, SqlValue } from '../engine.js';
import { toNumber, toRowValue } from './duckdb-values.js';

/** Options for opening a DuckDB workspace. */
export interface DuckDBEngineOptions {
  /** Open the file read-only (several processes may then read it at once). */
  readOnly?: boolean;
  /** Worker threads DuckDB may use (default: all cores). */
  threads?: number;
  /** Memory limit, e.g. `'4GB'`. */
  memoryLimit?: string;
}

const CHUNK_ROWS = 2048;
/**
 * SEGTRACK_TRACE=1 prints every statement (its first 160 characters) with its duration to stderr;
 * SEGTRACK_TRACE=full prints whole statements.
 */
const TRACE = process.env['SEGTRACK_TRACE'] === '1' || process.env['SEGTRACK_TRACE'] === 'full';
const TRACE_CHARS = process.env['SEGTRACK_TRACE'] === 'full' ? Infinity : 160;

/** A FIFO lock: statements on one connection run one at a time. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  /** Waits for the lock; call the returned function to release it. */
  async acquire(): Promise<() => void> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await previous;
    return release;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/**
 * The DuckDB implementation of {@link Engine}: one embedded database (a `.duckdb` file or
 * `:memory:`) and one connection, used by one statement at a time.
 */
export class DuckDBEngine implements Engine {
  readonly name = 'duckdb';
  readonly dialect = new DuckDBDialect();
  private readonly lock = new Lock();
  private closed = false;

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly inTransaction = false,
  ) {}

  /** Opens (creating if needed) the database at `path`; `:memory:` for a throwaway one. */
  static async open(path: string, options: DuckDBEngineOptions = {}): Promise<DuckDBEngine> {
    const config: Record<string, string> = {};
    if (options.readOnly) config['access_mode'] = 'READ_ONLY';
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    // SEGTRACK_MEMORY_LIMIT (e.g. `1.5GB`) caps DuckDB's memory; beyond it, work spills to disk.
    const memoryLimit = options.memoryLimit ?? process.env['SEGTRACK_MEMORY_LIMIT'];
    if (memoryLimit !== undefined && memoryLimit !== '') config['memory_limit'] = memoryLimit;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (e) {
      throw new EngineError('duckdb', `open ${path}`, e);
    }
    const connection = await instance.connect();
    const engine = new DuckDBEngine(path, instance, connection);
    // Keep file order when reading files and inserting: ingestion relies on it for row numbers.
    await engine.exec("SET preserve_insertion_order = true; SET TimeZone = 'UTC'");
    return engine;
  }

  private guard<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('engine is closed'));
    return this.inTransaction ? work() : this.lock.run(work);
  }

  private async run<T>(sql: string, work: () => Promise<T>): Promise<T> {
    const started = TRACE ? performance.now() : 0;
    try {
      return await work();
    } catch (e) {
      if (e instanceof EngineError) throw e;
      throw new EngineError(this.name, sql, e);
    } finally {
      if (TRACE)
        process.stderr.write(
          `[sql ${(performance.now() - started).toFixed(0)} ms] ${sql.replace(/\s+/g, ' ').slice(0, TRACE_CHARS)}\n`,
        );
    }
  }

  exec(sql: string, params?: SqlValue[]): Promise<void> {
    return this.guard(() =>
      this.run(sql, async () => {
        if (params && params.length > 0) await this.connection.run(sql, params);
        else await this.connection.run(sql);
      }),
    );
  }

  execUnordered(sql: string, options: WriteOptions = {}): Promise<void> {
    // DuckDB writes a CREATE TABLE AS / INSERT … SELECT on one thread while it must keep the
    // insertion order (which ingestion needs for row numbers); lifting it for this one statement
    // lets every thread write. The setting is per connection, and the lock keeps it to this one.
    // A transient table skips FSST (strings) and ALP-RD (doubles that are not short decimals,
    // such as ratios): at 1M customers × 68 features they are about 0.3 s of a 1.8 s write.
    return this.guard(() =>
      this.run(sql, async () => {
        await this.connection.run('SET preserve_insertion_order = false');
        if (options.transient) await this.connection.run(`SET disabled_compression_methods = 'fsst,alprd'`);
        try {
          await this.connection.run(sql);
        } finally {
          await this.connection.run('SET preserve_insertion_order = true');
          if (options.transient) await this.connection.run('RESET disabled_compression_methods');
        }
      }),
    );
  }

  query<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.guard(() =>
      this.run(sql, async () => {
        const reader = await this.connection.runAndReadAll(sql, params);
        const names = reader.columnNames();
        const rows = reader.getRows();
        return rows.map((r) => {
          const o: Row = {};
          for (let i = 0; i < names.length; i++) o[names[i]!] = toRowValue(r[i] ?? null);
          return o as T;
        });
      }),
    );
  }

  async *stream(sql: string, params?: SqlValue[]): AsyncIterable<Chunk> {
    if (this.closed) throw new Error('engine is closed');
    // The lock is held for the whole stream: another statement on this connection while a
    // streamed result is open would silently end the stream.
    const release = this.inTransaction ? undefined : await this.lock.acquire();
    try {
      const result = await this.run(sql, () => this.connection.stream(sql, params));
      const names = result.columnNames();
      for (;;) {
        const chunk = await this.run(sql, () => result.fetchChunk());
        if (!chunk || chunk.rowCount === 0) break;
        yield wrapChunk(chunk, names);
      }
    } finally {
      release?.();
    }
  }

  async numericColumns(sql: string, params?: SqlValue[]): Promise<Record<string, Float64Array>> {
    const parts: Chunk[] = [];
    let total = 0;
    let names: readonly string[] = [];
    for await (const chunk of this.stream(sql, params)) {
      parts.push(chunk);
      total += chunk.rowCount;
      names = chunk.columnNames;
    }
    const out: Record<string, Float64Array> = {};
    names.forEach((name, i) => {
      const arr = new Float64Array(total);
      let offset = 0;
      for (const c of parts) {
        c.numbers(i, arr, offset);
        offset += c.rowCount;
      }
      out[name] = arr;
    });
    return out;
  }

  append(table: string, columns: AppendColumn[], options: { temporary?: boolean } = {}): Promise<void> {
    return this.guard(() =>
      this.run(`append to ${table}`, async () => {
        // Temporary tables live in DuckDB's `temp` catalog.
        const appender = options.temporary
          ? await this.connection.createAppender(table, 'main', 'temp')
          : await this.connection.createAppender(table);
        try {
          const types: DuckDBType[] = [];
          for (let i = 0; i < appender.columnCount; i++) types.push(appender.columnType(i));
          if (types.length !== columns.length)
            throw new Error(`table ${table} has ${types.length} columns, append gave ${columns.length}`);
          const n = columns[0]?.values.length ?? 0;
          for (const c of columns)
            if (c.values.length !== n)
              throw new Error(`column ${c.name} has ${c.values.length} values, expected ${n}`);
          for (let start = 0; start < n; start += CHUNK_ROWS) {
            const size = Math.min(CHUNK_ROWS, n - start);
            const chunk = DuckDBDataChunk.create(types, size);
            columns.forEach((c, i) => {
              if (isTypedNumbers(c.values) && isPlainNumberType(types[i]!)) {
                // Typed arrays of doubles or integers go straight into the vector (NaN → NULL).
                const vector = chunk.getColumnVector(i) as DuckDBVector<number>;
                const src = c.values;
                for (let j = 0; j < size; j++) {
                  const v = src[start + j]!;
                  vector.setItem(j, Number.isNaN(v) ? null : v);
                }
                vector.flush();
                return;
              }
              const slice: DuckDBValue[] = new Array<DuckDBValue>(size);
              for (let j = 0; j < size; j++) slice[j] = toDuckValue(c.values[start + j] ?? null, types[i]!);
              chunk.setColumnValues(i, slice);
            });
            appender.appendDataChunk(chunk);
          }
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
      }),
    );
  }

  transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    return this.guard(async () => {
      const tx = new DuckDBEngine(this.location, this.instance, this.connection, true);
      await tx.exec('BEGIN TRANSACTION');
      try {
        const result = await work(tx);
        await tx.exec('COMMIT');
        return result;
      } catch (e) {
        try {
          await tx.exec('ROLLBACK');
        } catch {
          // The transaction may already be aborted by the engine; the original error matters.
        }
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed || this.inTransaction) return;
    await this.lock.run(() => {
      this.closed = true;
      this.connection.closeSync();
      this.instance.closeSync();
      return Promise.resolve();
    });
  }
}

function wrapChunk(chunk: DuckDBDataChunk, names: readonly string[]): Chunk {
  return {
    rowCount: chunk.rowCount,
    columnNames: names,
    values(index: number): RowValue[] {
      return chunk.getColumnValues(index).map(toRowValue);
    },
    numbers(index: number, out: Float64Array, offset: number): void {
      const vector = chunk.getColumnVector(index);
      const n = chunk.rowCount;
      for (let j = 0; j < n; j++) {
        const v = vector.getItem(j);
        out[offset + j] = v === null ? Number.NaN : toNumber(v);
      }
    },
  };
}

const MS_PER_DAY = 86_400_000;

function isTypedNumbers(v: AppendColumn['values']): v is Float64Array | Int32Array {
  return v instanceof Float64Array || v instanceof Int32Array;
}

/** Column types whose vectors take JavaScript numbers as they are. */
function isPlainNumberType(type: DuckDBType): boolean {
  return type.typeId === DuckDBTypeId.DOUBLE || type.typeId === DuckDBTypeId.INTEGER;
}

function toDuckValue(v: string | number | boolean | null, type: DuckDBType): DuckDBValue {
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return null;
  switch (type.typeId) {
    case DuckDBTypeId.DATE:
      return new DuckDBDateValue(typeof v === 'number' ? v : Math.floor(Date.parse(String(v)) / MS_PER_DAY));
    case DuckDBTypeId.TIMESTAMP:
      return new DuckDBTimestampValue(
        BigInt(Math.round((typeof v === 'number' ? v : Date.parse(String(v))) * 1000)),
      );
    case DuckDBTypeId.BIGINT:
      return BigInt(Math.trunc(Number(v)));
    case DuckDBTypeId.VARCHAR:
      return String(v);
    default:
      return v;
  }
}
