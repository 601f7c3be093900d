/**
 * The queue of file and webhook notifications (`alert_deliveries`, ./ddl.ts): written with the
 * alerts they carry, in the same transaction, so a notification exists before anything is sent;
 * `pending` until a delivery succeeds.
 */
import type { Engine } from '../engine/engine.js';
import { timestampText } from './alert-record.js';

/** A notification waiting to be sent (or re-sent). */
export interface PendingDelivery {
  delivery_id: string;
  alert_id: number;
  kind: 'jsonl' | 'webhook';
  /** The absolute file path or the URL. */
  target: string;
  /** The exact text to append or POST. */
  payload: string;
  attempts: number;
}

/** Every pending delivery, oldest first (so receivers get alerts in the order they fired). */
export async function pendingDeliveries(engine: Engine): Promise<PendingDelivery[]> {
  const rows = await engine.query<{
    delivery_id: string;
    alert_id: number;
    kind: string;
    target: string;
    payload: string;
    attempts: number;
  }>(
    `SELECT delivery_id, alert_id, kind, target, payload, attempts FROM alert_deliveries
      WHERE status = 'pending' ORDER BY created_at, alert_id, delivery_id`,
  );
  return rows.map((r) => ({
    delivery_id: r.delivery_id,
    alert_id: Number(r.alert_id),
    kind: r.kind === 'jsonl' ? 'jsonl' : 'webhook',
    target: r.target,
    payload: r.payload,
    attempts: Number(r.attempts),
  }));
}

/** How many deliveries are pending. */
export async function pendingCount(engine: Engine): Promise<number> {
  const [row] = await engine.query<{ n: number }>(
    `SELECT count(*) AS n FROM alert_deliveries WHERE status = 'pending'`,
  );
  return Number(row?.n ?? 0);
}

/** Records an attempt: delivered, or still pending with the error. */
export async function recordAttempt(
  engine: Engine,
  id: string,
  outcome: { ok: boolean; attempts: number; error?: string },
  at: Date,
): Promise<void> {
  const when = timestampText(at);
  await engine.exec(
    `UPDATE alert_deliveries
        SET attempts = attempts + $1, last_attempt_at = CAST($2 AS TIMESTAMP),
            status = CASE WHEN $3 THEN 'delivered' ELSE 'pending' END,
            delivered_at = CASE WHEN $3 THEN CAST($2 AS TIMESTAMP) ELSE NULL END,
            last_error = $4
      WHERE delivery_id = $5`,
    [outcome.attempts, when, outcome.ok, outcome.ok ? null : (outcome.error ?? 'failed'), id],
  );
}
