import { piiColumns, unstoredPiiColumns } from '../privacy/pii.js';
import { ensureCustomerKeys } from '../workspace/customer-keys.js';
import { basename } from 'node:path';
import { UserError, userError, type Problem } from '../core/errors.js';
import type { Config } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { CANONICAL_TABLES, type CanonicalTableName } from '../model/canonical.js';
import { resolveSourceFiles, type SourceFile } from './files.js';
import {
  dropPrepared,
  prepareTable,
  readerTypes,
  writeTable,
  type PreparedTable,
  type TableCounts,
} from './load-table.js';
import { dropStage, stageSource, type Stage } from './stage.js';
import { sourcePosition } from './mapping.js';

/** Settings for {@link ingest}. */
export interface IngestOptions {
  /** Add new files to what is loaded instead of reloading every table from its files. */
  append?: boolean;
  /** Load only these tables (default: every table with a source). */
  tables?: CanonicalTableName[];
  /** The moment of ingestion (default: now), for the future-date check. */
  now?: Date;
  /** Allow a reload to leave a table that had rows empty. */
  allowEmpty?: boolean;
  progress?: (message: string) => void;
  /** Where the pseudonymisation key (`SEGTRACK_PII_KEY`) is read from (default: the process's environment). */
  env?: NodeJS.ProcessEnv;
}

/** One kind of rejection in one table, with a few examples. */
export interface Rejection {
  table: string;
  reason: string;
  count: number;
  examples: { file: string; row: number; column: string | null; value: string | null }[];
}

/** What an ingest run did (CONTRACT.md, `segtrack ingest`). */
export interface IngestResult {
  load_id: number;
  mode: 'replace' | 'append';
  tables: Record<string, TableCounts & { files: number; skipped_files: number }>;
  rejections: Rejection[];
  /** Customers created because orders referred to them (first seen = first order). */
  customers_created: number;
  warnings: string[];
  /** Where the time went: reading and checking the files, writing the tables, checkpointing. */
  timings_ms: { read_check: number; write: number; checkpoint: number };
}

function timestampText(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Loads the configured source files into the workspace's canonical tables, in one transaction:
 * either every table is loaded and accounted for, or nothing changes. Reloading the same files
 * gives the same tables; with `append`, files loaded before (same path, size and time) are skipped.
 */
export async function ingest(
  engine: Engine,
  config: Config,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const progress = options.progress ?? (() => undefined);
  const mode = options.append ? 'append' : 'replace';
  const d = engine.dialect;
  const wanted = CANONICAL_TABLES.filter(
    (t) => config.sources[t] !== undefined && (!options.tables || options.tables.includes(t)),
  );
  if (wanted.length === 0)
    throw userError('no_sources', 'the config has no sources to ingest', {
      at: { file: config.path },
      hint: 'add a sources: section mapping files to tables (customers, orders, events, …); `segtrack init` writes an example',
    });

  // Find every file first, and report every missing one at once.
  const problems: Problem[] = [];
  const filesByTable = new Map<CanonicalTableName, SourceFile[]>();
  for (const t of wanted) {
    const source = config.sources[t]!;
    try {
      filesByTable.set(t, resolveSourceFiles(t, source.files, config.baseDir, source.format));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      for (const p of e.problems) problems.push({ ...p, at: sourcePosition(source, config.path, 'files') });
    }
  }
  if (problems.length > 0) throw new UserError(problems);

  const skipped = new Map<CanonicalTableName, number>();
  if (mode === 'append') {
    const loaded = await engine.query<{
      table_name: string;
      path: string;
      size: number;
      modified_at: string;
    }>(`SELECT table_name, path, size, CAST(modified_at AS VARCHAR) AS modified_at FROM loaded_files`);
    const seen = new Set(
      loaded.map((l) => `${l.table_name}\u0000${l.path}\u0000${l.size}\u0000${l.modified_at}`),
    );
    for (const [t, files] of filesByTable) {
      const fresh = files.filter(
        (f) => !seen.has(`${t}\u0000${f.path}\u0000${f.size}\u0000${timestampText(f.modifiedAt)}`),
      );
      skipped.set(t, files.length - fresh.length);
      filesByTable.set(t, fresh);
    }
  }

  const now = timestampText(options.now ?? new Date());
  const startedAt = timestampText(new Date());
  const [last] = await engine.query(`SELECT coalesce(max(load_id), 0) AS id FROM ingest_runs`);
  const loadId = Number(last?.['id'] ?? 0) + 1;
  // Read and check every file before the transaction: a file the engine cannot read, or a value
  // an expression fails on, must fail the run cleanly (an engine error inside a transaction aborts
  // it), and the writes read faster from tables made outside it. The transaction only writes.
  const stages: Stage[] = [];
  const prepared = new Map<CanonicalTableName, PreparedTable>();
  const clock = performance.now();
  const timings = { read_check: 0, write: 0, checkpoint: 0 };
  try {
    for (const t of wanted) {
      const files = filesByTable.get(t) ?? [];
      if (files.length === 0) continue;
      progress(`${t}: reading ${files.length} file${files.length === 1 ? '' : 's'}`);
      const source = config.sources[t]!;
      const stage = await stageSource(engine, t, files, source, readerTypes(t, source, d));
      stages.push(stage);
      progress(`${t}: mapping and checking ${stage.rowsPerFile.reduce((a, b) => a + b, 0)} rows`);
      const p = await prepareTable(engine, {
        table: t,
        source,
        files,
        stage,
        mode,
        loadId,
        now,
        configPath: config.path,
        progress,
        pii: piiColumns(config, t),
        ...(options.env ? { env: options.env } : {}),
      });
      prepared.set(t, p);
      const before = mode === 'replace' ? await count(engine, t) : 0;
      if (mode === 'replace' && p.counts.loaded === 0 && before > 0 && !options.allowEmpty)
        throw userError('would_empty_table', `reloading ${t} would replace its ${before} rows with none`, {
          at: { file: files[0]!.path },
          hint: 'check the files (and the filter); pass --allow-empty if the table really should be empty',
        });
    }
    timings.read_check = Math.round(performance.now() - clock);
    const result = await engine.transaction((tx) => writeAll(tx));
    timings.write = Math.round(performance.now() - clock) - timings.read_check;
    // Fold the write-ahead log into the workspace file now rather than at close, so the time an
    // ingest takes is the time it reports.
    progress('checkpointing the workspace');
    await engine.exec(d.checkpoint());
    timings.checkpoint = Math.round(performance.now() - clock) - timings.read_check - timings.write;
    return result;
  } finally {
    for (const s of stages) await dropStage(engine, s);
    for (const p of prepared.values()) await dropPrepared(engine, p);
  }

  async function writeAll(tx: Engine): Promise<IngestResult> {
    const result: IngestResult = {
      load_id: loadId,
      mode,
      tables: {},
      rejections: [],
      customers_created: 0,
      warnings: [],
      timings_ms: timings,
    };
    for (const t of wanted) {
      const files = filesByTable.get(t) ?? [];
      const skippedFiles = skipped.get(t) ?? 0;
      const p = prepared.get(t);
      if (p === undefined) {
        result.tables[t] = {
          source_rows: 0,
          excluded: 0,
          rejected: 0,
          accepted: 0,
          loaded: 0,
          files: 0,
          skipped_files: skippedFiles,
        };
        continue;
      }
      progress(`${t}: writing ${p.counts.loaded} rows`);
      const load = await writeTable(tx, p);
      result.tables[t] = { ...load.counts, files: files.length, skipped_files: skippedFiles };
      result.warnings.push(...load.warnings.map((w: string) => `${t}: ${w}`));
      for (const f of files)
        await tx.exec(
          `INSERT INTO loaded_files VALUES (${d.literal(t)}, $1, ${f.size}, ${d.literal(timestampText(f.modifiedAt))}, ${loadId}, NULL)`,
          [f.path],
        );
      if (mode === 'replace')
        await tx.exec(`DELETE FROM loaded_files WHERE table_name = ${d.literal(t)} AND load_id <> ${loadId}`);
      progress(
        `${t}: ${load.counts.source_rows} rows read, ${load.counts.accepted} accepted, ${load.counts.rejected} rejected, ${load.counts.excluded} excluded`,
      );
    }
    for (const c of unstoredPiiColumns(config))
      result.warnings.push(
        `privacy.pii_columns: '${c}' is not a column segtrack stores (source columns that are not mapped never reach the workspace)`,
      );
    result.customers_created = await reconcileCustomers(tx, loadId);
    await ensureCustomerKeys(tx);
    if (result.customers_created > 0)
      progress(`customers: ${result.customers_created} created from orders whose customer was unknown`);
    for (const [t, c] of Object.entries(result.tables))
      await tx.exec(
        `INSERT INTO ingest_runs VALUES (${loadId}, ${d.literal(t)}, ${d.literal(mode)}, ${d.literal(startedAt)}, ${d.now()}, ` +
          `${c.source_rows}, ${c.excluded}, ${c.rejected}, ${c.accepted}, ${c.loaded}, ${t === 'customers' ? result.customers_created : 0}, $1)`,
        [JSON.stringify((filesByTable.get(t as CanonicalTableName) ?? []).map((f) => f.path))],
      );
    result.rejections = await rejectionSummary(tx, loadId);
    return result;
  }
}

async function count(tx: Engine, table: string): Promise<number> {
  const [r] = await tx.query(`SELECT count(*) AS n FROM ${tx.dialect.ident(table)}`);
  return Number(r?.['n'] ?? 0);
}

/**
 * Orders may name customers the customers table lacks: such a customer is created, first seen at
 * their first order, and marked `auto_created`. Placeholders whose orders are gone are removed.
 */
async function reconcileCustomers(tx: Engine, loadId: number): Promise<number> {
  await tx.exec(
    `DELETE FROM customers c WHERE c.auto_created AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id)`,
  );
  const before = await count(tx, 'customers');
  await tx.exec(
    `INSERT INTO customers (customer_id, created_at, auto_created, _load_id) ` +
      `SELECT o.customer_id, min(o.ordered_at), TRUE, ${loadId} FROM orders o ` +
      `WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = o.customer_id) GROUP BY o.customer_id ORDER BY o.customer_id`,
  );
  return (await count(tx, 'customers')) - before;
}

/** Rejections of a load by table and reason, with the first three examples of each (standard SQL). */
async function rejectionSummary(tx: Engine, loadId: number): Promise<Rejection[]> {
  const rows = await tx.query<{
    table_name: string;
    reason: string;
    n: number;
    file: string;
    row_number: number;
    column_name: string | null;
    value: string | null;
  }>(
    `SELECT table_name, reason, n, file, row_number, column_name, value FROM (
       SELECT table_name, reason, file, row_number, column_name, value,
              count(*) OVER (PARTITION BY table_name, reason) AS n,
              row_number() OVER (PARTITION BY table_name, reason ORDER BY file, row_number) AS k
         FROM rejected_rows WHERE load_id = ${loadId}) r
      WHERE k <= 3 ORDER BY table_name, n DESC, reason, k`,
  );
  const out: Rejection[] = [];
  for (const r of rows) {
    let last = out[out.length - 1];
    if (!last || last.table !== r.table_name || last.reason !== r.reason) {
      last = { table: r.table_name, reason: r.reason, count: Number(r.n), examples: [] };
      out.push(last);
    }
    last.examples.push({
      file: basename(r.file),
      row: Number(r.row_number),
      column: r.column_name,
      value: r.value,
    });
  }
  return out;
}
