import type { Dialect } from '../dialect/dialect.js';
import type { CanonicalTableName } from '../model/canonical.js';
import { col } from './sql.js';

/** The columns that let an analyst find a row again, per table (shown in every example). */
const IDENTITY: Record<CanonicalTableName, string[]> = {
  customers: ['customer_id'],
  orders: ['order_id', 'customer_id', 'ordered_at'],
  order_items: ['order_id', 'product_id'],
  events: ['customer_id', 'occurred_at', 'event_type'],
  marketing_spend: ['period_start', 'channel', 'campaign'],
  feedback: ['customer_id', 'responded_at'],
  interventions: ['name'],
};

/**
 * Example columns for a row of `table` read through `alias`: its identifying columns, then the
 * `extra` columns the check is about (alias → SQL, or a bare column name of the same table).
 */
export function exampleColumns(
  d: Dialect,
  table: CanonicalTableName,
  alias: string,
  extra: (string | [string, string])[] = [],
): Record<string, string> {
  const show: Record<string, string> = {};
  for (const c of IDENTITY[table]) show[c] = col(d, alias, c);
  for (const e of extra) {
    if (typeof e === 'string') show[e] = col(d, alias, e);
    else show[e[0]] = e[1];
  }
  return show;
}
