import type { Engine } from '../engine/engine.js';
import { CANONICAL, CANONICAL_TABLES, type CanonicalTableName } from '../model/canonical.js';
import { ensureSnapshotSchema } from '../snapshot/store.js';
import { EXPORT_DDL } from '../activation/export.js';
import { ALERTS_DDL } from '../alerts/ddl.js';
import { describeColumns } from '../ingest/stage.js';
import { AUDIT_DDL } from '../privacy/audit.js';
import { TOKENS_DDL } from '../server/tokens.js';
import { CUSTOMER_KEYS_DDL, ensureCustomerKeys, registerCustomerKeys } from './customer-keys.js';

/**
 * Bumped when the workspace layout changes in a way that needs a migration. 2: customers carry a
 * whole-number `customer_key` (`customer_keys`) and snapshot memberships store it instead of the id.
 */
export const SCHEMA_VERSION = 2;

/** Bookkeeping columns ingestion adds to every canonical table. */
export const LOAD_ID_COLUMN = '_load_id';

/** `CREATE TABLE` for a canonical table, with the ingest bookkeeping column. */
export function canonicalTableDdl(engine: Engine, table: CanonicalTableName, name: string = table): string {
  const d = engine.dialect;
  const cols = CANONICAL[table].columns.map((c) => `${d.ident(c.name)} ${d.type(c.type)}`);
  if (table === 'customers') {
    cols.push(`${d.ident('auto_created')} ${d.type('boolean')} DEFAULT FALSE`);
    cols.push(`${d.ident('customer_key')} ${d.type('integer')}`);
  }
  cols.push(`${d.ident(LOAD_ID_COLUMN)} ${d.type('integer')}`);
  return `CREATE TABLE IF NOT EXISTS ${d.ident(name)} (${cols.join(', ')})`;
}

/**
 * Creates whatever the workspace lacks: the canonical tables (empty until ingested), the
 * quarantine of rejected rows, the ingest bookkeeping and the snapshot history. Safe to call on every open.
 */
export async function ensureSchema(engine: Engine): Promise<void> {
  const d = engine.dialect;
  const statements: string[] = [
    `CREATE TABLE IF NOT EXISTS ${d.ident('segtrack_meta')} (key VARCHAR PRIMARY KEY, value VARCHAR)`,
    ...CANONICAL_TABLES.map((t) => canonicalTableDdl(engine, t)),
    CUSTOMER_KEYS_DDL,
    // Who did what and when (src/privacy/audit.ts).
    AUDIT_DDL,
    // Activation exports and who was in each (src/activation/export.ts).
    ...EXPORT_DDL,
    // Alert history and pending notifications (src/alerts).
    ...ALERTS_DDL,
    // API tokens, hashed (src/server/tokens.ts).
    TOKENS_DDL,
    // Every row that ingestion read but did not load, with why and where (nothing is lost).
    `CREATE TABLE IF NOT EXISTS rejected_rows (
       load_id BIGINT, table_name VARCHAR, file VARCHAR, row_number BIGINT,
       reason VARCHAR, column_name VARCHAR, value VARCHAR, detail VARCHAR)`,
    // One row per ingest run and table, with its accounting.
    `CREATE TABLE IF NOT EXISTS ingest_runs (
       load_id BIGINT, table_name VARCHAR, mode VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
       source_rows BIGINT, excluded BIGINT, rejected BIGINT, accepted BIGINT, loaded BIGINT,
       customers_created BIGINT, files VARCHAR)`,
    // The files each table was loaded from, so --append can skip files already loaded.
    `CREATE TABLE IF NOT EXISTS loaded_files (
       table_name VARCHAR, path VARCHAR, size BIGINT, modified_at TIMESTAMP, load_id BIGINT, source_rows BIGINT)`,
  ];
  for (const s of statements) await engine.exec(s);
  await migrateToKeys(engine);
  await ensureSnapshotSchema(engine);
  await engine.exec(
    `INSERT INTO segtrack_meta VALUES ('schema_version', ${d.literal(String(SCHEMA_VERSION))}) ON CONFLICT DO NOTHING`,
  );
}

/** Lower-case column names of a table (empty when it does not exist). */
async function columnsOf(engine: Engine, table: string): Promise<Set<string>> {
  return new Set((await describeColumns(engine, table)).map((c) => c.name.toLowerCase()));
}

/**
 * Version 1 → 2, in one transaction: customers get their `customer_key`, and the stored snapshot
 * memberships swap the customer id for it (ids only found in old memberships get keys too, so no
 * membership is lost). Does nothing on a workspace already at version 2 or a new one.
 */
async function migrateToKeys(engine: Engine): Promise<void> {
  const d = engine.dialect;
  const customers = await columnsOf(engine, 'customers');
  const members = await columnsOf(engine, 'snapshot_members');
  const oldMembers = members.has('customer_id') && !members.has('customer_key');
  if (customers.has('customer_key') && !oldMembers) return;
  await engine.transaction(async (tx) => {
    if (!customers.has('customer_key'))
      await tx.exec(`ALTER TABLE customers ADD COLUMN customer_key ${d.type('integer')}`);
    await ensureCustomerKeys(tx);
    if (oldMembers) {
      await registerCustomerKeys(tx, `SELECT customer_id AS id FROM snapshot_members`);
      await tx.exec(
        `CREATE TABLE snapshot_members_v2 AS SELECT m.snapshot_id, m.scheme, m.segment, k.customer_key ` +
          `FROM snapshot_members m JOIN customer_keys k ON k.customer_id = m.customer_id`,
      );
      await tx.exec(`DROP TABLE snapshot_members`);
      await tx.exec(`ALTER TABLE snapshot_members_v2 RENAME TO snapshot_members`);
    }
    await tx.exec(
      `UPDATE segtrack_meta SET value = ${d.literal(String(SCHEMA_VERSION))} WHERE key = 'schema_version'`,
    );
  });
}
