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
 * type. Measured on this project's 2-core machine with 200k orders: 0.28 s this way against
 * 0.88 s appending the same rows from JavaScript through {@link Engine.append} and copying the
 * table — DuckDB parses and encodes in parallel and no value crosses into JavaScript. Snappy
 * (DuckDB's default codec) rather than zstd: about twice as fast to write, files ~1.5× larger.
 */
export async function copyCsvToParquet(jobs: readonly ParquetJob[], engine?: Engine): Promise<void> {
  const own = engine === undefined;
  const db = engine ?? (await DuckDBEngine.open(':memory:'));
  try {
    const d = db.dialect;
    for (const job of jobs) {
      const columnTypes: Record<string, string> = {};
      for (const c of job.columns) {
        const col = canonicalColumn(job.table, c);
        if (!col) throw new Error(`${c} is not a column of the canonical table ${job.table}`);
        columnTypes[c] = d.type(col.type);
      }
      const scan = d.fileScan({
        format: 'csv',
        paths: [job.csv],
        header: true,
        delimiter: ',',
        quote: '"',
        columnTypes,
      });
      await db.exec(d.copyToFile(`SELECT * FROM ${scan}`, job.parquet, 'parquet'));
    }
  } finally {
    if (own) await db.close();
  }
}
