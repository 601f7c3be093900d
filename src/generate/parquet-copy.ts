import { DuckDBEngine } from '../engine/duckdb/duckdb-engine.js';
import type { Engine } from '../engine/engine.js';
import { type CanonicalTableName, canonicalColumn } from '../model/canonical.js';

/** One generated CSV file to turn into Parquet. */
export interface ParquetJob {
  table: CanonicalTableName;
  columns: readonly string[];
  csv: string;
  parquet: string;
}

/**
 * Converts generated CSV files to Parquet with the engine's own CSV reader and Parquet writer
 * (`COPY (SELECT … FROM read_csv(…)) TO … (FORMAT parquet)`), each column typed as its canonical
 * type. Measured on 2 cores, this is several times faster than appending rows from JavaScript:
 * DuckDB parses and encodes in parallel, and no value crosses into JavaScript.
 */
export async function copyCsvToParquet(jobs: readonly ParquetJob[], engine?: Engine): Promise<void> {
  const own = engine === undefined;
  const db = engine ?? (await DuckDBEngine.open(':memory:'));
  try {
    const d = db.dialect;
    for (const job of jobs) {
      const types = job.columns.map((c) => {
        const col = canonicalColumn(job.table, c);
        if (!col) throw new Error(`${c} is not a column of the canonical table ${job.table}`);
        return `${d.literal(c)}: ${d.literal(d.type(col.type))}`;
      });
      const scan =
        `read_csv(${d.literal(job.csv)}, header = true, delim = ',', quote = '"', ` +
        `timestampformat = '%Y-%m-%d %H:%M:%S', dateformat = '%Y-%m-%d', columns = {${types.join(', ')}})`;
      await db.exec(`COPY (SELECT * FROM ${scan}) TO ${d.literal(job.parquet)} (FORMAT parquet, COMPRESSION zstd)`);
    }
  } finally {
    if (own) await db.close();
  }
}
