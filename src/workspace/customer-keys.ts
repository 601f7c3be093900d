import type { Engine } from '../engine/engine.js';

/**
 * Every customer id the workspace has seen gets a stable whole number, `customer_key`, kept in
 * `customer_keys (customer_id, customer_key)` and copied into `customers.customer_key`. Snapshot
 * memberships store the key rather than the id: a membership row is then a few bytes however long
 * the ids are, which keeps the history small and the snapshot write fast. A key is never reused for
 * another id; erasing a customer removes their row here too.
 */
export const CUSTOMER_KEYS_DDL = `CREATE TABLE IF NOT EXISTS customer_keys (customer_id VARCHAR, customer_key INTEGER)`;

/**
 * Gives a key to every id of `ids` (a query with one column `id`) the registry lacks, numbering
 * new ids after the largest key in id order. Standard SQL; run it inside the caller's transaction.
 */
export async function registerCustomerKeys(tx: Engine, ids: string): Promise<void> {
  await tx.exec(
    `INSERT INTO customer_keys (customer_id, customer_key) ` +
      `SELECT n.id, b.base + ROW_NUMBER() OVER (ORDER BY n.id) ` +
      `FROM (SELECT DISTINCT id FROM (${ids}) i WHERE id IS NOT NULL) n ` +
      `CROSS JOIN (SELECT COALESCE(MAX(customer_key), 0) AS base FROM customer_keys) b ` +
      `WHERE NOT EXISTS (SELECT 1 FROM customer_keys k WHERE k.customer_id = n.id)`,
  );
}

/**
 * Makes sure every row of `customers` carries its key: registers the ids that have none and fills
 * `customers.customer_key`. Ingestion calls it on every load; the feature build calls it too, so
 * rows written to `customers` by other means still get keys. Costs one count when nothing is missing.
 */
export async function ensureCustomerKeys(tx: Engine): Promise<number> {
  const [row] = await tx.query(`SELECT COUNT(*) AS n FROM customers WHERE customer_key IS NULL`);
  const missing = Number(row?.['n'] ?? 0);
  if (missing === 0) return 0;
  await registerCustomerKeys(tx, `SELECT customer_id AS id FROM customers WHERE customer_key IS NULL`);
  await tx.exec(
    `UPDATE customers SET customer_key = k.customer_key FROM customer_keys k ` +
      `WHERE customers.customer_key IS NULL AND k.customer_id = customers.customer_id`,
  );
  return missing;
}
