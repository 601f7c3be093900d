import type { Config } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { recordAudit } from './audit.js';
import { piiColumns, piiKey, pseudonym } from './pii.js';

/** What {@link forgetCustomers} did (CONTRACT.md, `segtrack forget`). */
export interface ForgetResult {
  /** Customers found and erased (0 when none of the ids is known: erasure is idempotent). */
  erased: number;
  /** Rows deleted per table. */
  rows_deleted: Record<string, number>;
  /** Ids given that the workspace does not know (already erased, or never there). */
  not_found: number;
  /** The check after the deletes: no row of any table still refers to an erased customer. */
  verified: boolean;
}

/**
 * The stored form of customer ids as given by a user: their pseudonym when the config hashes
 * `customer_id` (`privacy.pii_columns`), else the ids themselves.
 */
export function storedIds(config: Config | undefined, ids: readonly string[], env = process.env): string[] {
  const treatment = config ? piiColumns(config, 'customers').get('customer_id') : undefined;
  if (treatment !== 'hash') return [...ids];
  const key = piiKey(env);
  return ids.map((id) => pseudonym(key, id));
}

const TEMP = '_segtrack_forget';
/** The workspace's own tables (not temporary ones, such as the list of ids being erased). */
const STORED =
  `JOIN information_schema.tables t ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema ` +
  `AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'`;

/**
 * Erases customers from every table of the workspace, in one transaction: the canonical tables
 * (customers, their orders and those orders' lines, events, survey answers), rejected rows that
 * hold their id, the feature table (model scores included) and every other table with a
 * `customer_id` column, and their memberships in every snapshot. Their customer key is kept as a
 * tombstone without the id, so it is never given to anyone else. Aggregates already stored in
 * snapshots (segment sizes, KPI values) stay as aggregates. A verification query then checks
 * that no table holds the ids or the keys; if it finds any, everything is rolled back.
 */
export async function forgetCustomers(
  engine: Engine,
  ids: readonly string[],
  actor?: string,
): Promise<ForgetResult> {
  const d = engine.dialect;
  const unique = [...new Set(ids.map((i) => i.trim()).filter((i) => i !== ''))];
  return engine.transaction(async (tx) => {
    await tx.exec(`DROP TABLE IF EXISTS ${TEMP}`);
    await tx.exec(`CREATE TEMP TABLE ${TEMP} (customer_id ${d.type('string')})`);
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      await tx.exec(`INSERT INTO ${TEMP} VALUES ${chunk.map((_, j) => `($${j + 1})`).join(', ')}`, chunk);
    }
    const keysOf = `SELECT customer_key FROM customer_keys WHERE customer_id IN (SELECT customer_id FROM ${TEMP})`;
    const known = await count(
      tx,
      `SELECT COUNT(*) AS n FROM ${TEMP} t WHERE EXISTS (SELECT 1 FROM customer_keys k WHERE k.customer_id = t.customer_id) ` +
        `OR EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = t.customer_id)`,
    );
    const deleted: Record<string, number> = {};
    const del = async (table: string, where: string) => {
      const n = await count(tx, `SELECT COUNT(*) AS n FROM ${d.ident(table)} WHERE ${where}`);
      if (n > 0) await tx.exec(`DELETE FROM ${d.ident(table)} WHERE ${where}`);
      deleted[table] = n;
    };
    const ours = `customer_id IN (SELECT customer_id FROM ${TEMP})`;
    await del('order_items', `order_id IN (SELECT order_id FROM orders WHERE ${ours})`);
    // Every table with a customer_id column: canonical tables, feature tables, anything else.
    const withIds = await tx.query<{ table_name: string }>(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c ${STORED} ` +
        `WHERE c.column_name = 'customer_id' AND c.table_name <> 'customer_keys' ORDER BY c.table_name`,
    );
    for (const t of withIds) await del(t.table_name, ours);
    // Every table keyed by customer_key: snapshot memberships, export records, …
    const withKeys = await tx.query<{ table_name: string }>(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c ${STORED} ` +
        `WHERE c.column_name = 'customer_key' AND c.table_name <> 'customer_keys' ` +
        `AND c.table_name NOT IN (SELECT table_name FROM information_schema.columns WHERE column_name = 'customer_id') ` +
        `ORDER BY c.table_name`,
    );
    for (const t of withKeys) await del(t.table_name, `customer_key IN (${keysOf})`);
    // A rejected row records one value: the id itself (a duplicate key, a bad row of theirs).
    await del('rejected_rows', `value IN (SELECT customer_id FROM ${TEMP})`);
    // The key stays, as a tombstone without the id, so that it is never reused.
    const tombstones = await count(tx, `SELECT COUNT(*) AS n FROM customer_keys WHERE ${ours}`);
    const keys = await tx.query<{ customer_key: number }>(keysOf);
    if (tombstones > 0) await tx.exec(`UPDATE customer_keys SET customer_id = NULL WHERE ${ours}`);
    deleted['customer_keys'] = tombstones;

    const verified =
      (await remainingReferences(
        tx,
        TEMP,
        keys.map((k) => Number(k.customer_key)),
      )) === 0;
    if (!verified) throw new Error('erasure left rows referring to an erased customer; nothing was erased');
    // Every request is recorded, a repeated one too; by key and counts, never by id.
    await recordAudit(
      tx,
      'forget',
      keys.map((k) => `key:${Number(k.customer_key)}`).join(',') || null,
      {
        customers: known,
        not_found: unique.length - known,
        rows_deleted: Object.values(deleted).reduce((a, b) => a + b, 0),
      },
      actor,
    );
    await tx.exec(`DROP TABLE IF EXISTS ${TEMP}`);
    return { erased: known, rows_deleted: deleted, not_found: unique.length - known, verified };
  });
}

/**
 * Rows of any table that still hold one of the ids (in any text column) or, in a key column,
 * one of the keys: the erasure check, and what the tests scan with.
 */
export async function remainingReferences(engine: Engine, idTable: string, keys: number[]): Promise<number> {
  const d = engine.dialect;
  const columns = await engine.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c ${STORED}`,
  );
  let total = 0;
  for (const c of columns) {
    const col = `${d.ident(c.table_name)}.${d.ident(c.column_name)}`;
    if (c.data_type === 'VARCHAR')
      total += await count(
        engine,
        `SELECT COUNT(*) AS n FROM ${d.ident(c.table_name)} WHERE ${col} IN (SELECT customer_id FROM ${idTable})`,
      );
    if (c.column_name === 'customer_key' && keys.length > 0 && c.table_name !== 'customer_keys')
      total += await count(
        engine,
        `SELECT COUNT(*) AS n FROM ${d.ident(c.table_name)} WHERE ${col} IN (${keys.join(', ')})`,
      );
  }
  return total;
}

async function count(engine: Engine, sql: string): Promise<number> {
  const [row] = await engine.query(sql);
  return Number(row?.['n'] ?? 0);
}
