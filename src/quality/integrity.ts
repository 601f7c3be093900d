import type { CanonicalTableName } from '../model/canonical.js';
import type { QualityCheck } from './check.js';
import { share, type QualityContext } from './context.js';
import { exampleColumns } from './example-columns.js';
import { evaluateRules } from './row-rules.js';
import { col, toNum } from './sql.js';

/** Child table, its foreign key, the parent table. */
const REFERENCES: [CanonicalTableName, string, CanonicalTableName][] = [
  ['orders', 'customer_id', 'customers'],
  ['events', 'customer_id', 'customers'],
  ['feedback', 'customer_id', 'customers'],
  ['order_items', 'order_id', 'orders'],
];

/**
 * Referential integrity.
 *
 * - `integrity.unknown_customer` (warning): orders, events or feedback whose customer_id is not in
 *   customers (orders should have none: ingestion creates the customers they refer to).
 * - `integrity.unknown_order` (warning): order_items whose order_id is not in orders.
 * - `integrity.auto_created_customers` (info): customers ingestion created because an order
 *   referred to them; they have no demographics, acquisition channel or consent.
 */
export async function integrityChecks(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d } = ctx;
  const checks: QualityCheck[] = [];
  for (const [table, key, parent] of REFERENCES) {
    if (ctx.rows[table] === 0) continue;
    const k = col(d, 't', key);
    // DISTINCT keeps a duplicated parent key from multiplying the child rows.
    const parents = `(SELECT DISTINCT ${d.ident(key)} AS k FROM ${d.ident(parent)})`;
    const unknown = `${k} IS NOT NULL AND p.k IS NULL`;
    const noun = key === 'customer_id' ? 'customer' : 'order';
    checks.push(
      ...(await evaluateRules(ctx, {
        table,
        from: `${d.ident(table)} t LEFT JOIN ${parents} p ON p.k = ${k}`,
        rules: [
          {
            id: `integrity.unknown_${noun}`,
            column: key,
            severity: 'warning',
            where: unknown,
            extras: { distinct: `COUNT(DISTINCT CASE WHEN ${unknown} THEN ${k} END)` },
            show: exampleColumns(d, table, 't', [key]),
            message: (r) =>
              `${share(r.count, r.total)} ${table} rows refer to ${toNum(r.extras['distinct'])} ${key} values not in ${parent}; customer-level features, segments and KPIs leave them out`,
          },
        ],
      })),
    );
  }
  if (ctx.rows.customers > 0)
    checks.push(
      ...(await evaluateRules(ctx, {
        table: 'customers',
        from: `${d.ident('customers')} t`,
        rules: [
          {
            id: 'integrity.auto_created_customers',
            column: 'customer_id',
            severity: 'info',
            where: `${col(d, 't', 'auto_created')} = ${d.literal(true)}`,
            show: exampleColumns(d, 'customers', 't'),
            message: (r) =>
              `${share(r.count, r.total)} customers were created by ingestion because an order referred to them; they have no demographics, acquisition channel or consent`,
          },
        ],
      })),
    );
  return checks;
}
