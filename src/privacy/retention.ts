import type { Config } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { recordAudit } from './audit.js';

/** What {@link applyRetention} purged. */
export interface RetentionResult {
  /** Rows deleted per table (only tables with a retention setting). */
  rows_deleted: Record<string, number>;
  /** The cut-off per table: rows dated before it were deleted. */
  cutoff: Record<string, string>;
}

/** Whether the config sets a retention period (else {@link applyRetention} has nothing to do). */
export function hasRetention(config: Config): boolean {
  const p = config.privacy ?? {};
  return p.retain_events_days !== undefined || p.retain_orders_days !== undefined;
}

/**
 * Deletes events older than `privacy.retain_events_days` and orders (with their order lines)
 * older than `privacy.retain_orders_days`, counted back from `today` (UTC), in one transaction,
 * and records the purge in the audit log. A run calls it before computing anything, so features
 * never see data past its retention. Without settings it does nothing.
 */
export async function applyRetention(
  engine: Engine,
  config: Config,
  today = new Date(),
): Promise<RetentionResult> {
  const p = config.privacy ?? {};
  const result: RetentionResult = { rows_deleted: {}, cutoff: {} };
  if (!hasRetention(config)) return result;
  const d = engine.dialect;
  const cutoff = (days: number) => {
    const t = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - days * 86_400_000;
    return new Date(t).toISOString().slice(0, 10);
  };
  const count = async (tx: Engine, sql: string) => Number((await tx.query(sql))[0]?.['n'] ?? 0);
  await engine.transaction(async (tx) => {
    if (p.retain_orders_days !== undefined) {
      const c = cutoff(p.retain_orders_days);
      const old = `ordered_at < ${d.cast(d.literal(`${c} 00:00:00`), 'timestamp')}`;
      const lines = `order_id IN (SELECT order_id FROM orders WHERE ${old})`;
      result.rows_deleted['order_items'] = await count(
        tx,
        `SELECT COUNT(*) AS n FROM order_items WHERE ${lines}`,
      );
      if (result.rows_deleted['order_items'] > 0) await tx.exec(`DELETE FROM order_items WHERE ${lines}`);
      result.rows_deleted['orders'] = await count(tx, `SELECT COUNT(*) AS n FROM orders WHERE ${old}`);
      if (result.rows_deleted['orders'] > 0) await tx.exec(`DELETE FROM orders WHERE ${old}`);
      result.cutoff['orders'] = c;
    }
    if (p.retain_events_days !== undefined) {
      const c = cutoff(p.retain_events_days);
      const old = `occurred_at < ${d.cast(d.literal(`${c} 00:00:00`), 'timestamp')}`;
      result.rows_deleted['events'] = await count(tx, `SELECT COUNT(*) AS n FROM events WHERE ${old}`);
      if (result.rows_deleted['events'] > 0) await tx.exec(`DELETE FROM events WHERE ${old}`);
      result.cutoff['events'] = c;
    }
    const total = Object.values(result.rows_deleted).reduce((a, b) => a + b, 0);
    if (total > 0) await recordAudit(tx, 'retention_purge', null, { ...result });
  });
  return result;
}
