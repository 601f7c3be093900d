/**
 * Tables of the alerting stage, created with the workspace (src/workspace/schema.ts).
 *
 * - `alert_history`: one row per alert fired — a rule whose condition held for one KPI of one
 *   segment in one snapshot — with the values it fired on. A snapshot re-computed under the same
 *   id (same as-of date and config) does not fire the same alert twice.
 * - `alert_deliveries`: one row per alert and file or webhook target, with the body to send;
 *   `status` is `pending` until a delivery succeeds, then `delivered`. Pending rows are retried
 *   at every run (and by `segtrack alerts --retry`), so a notification that failed is not lost.
 *   Console notifications are printed at once and not recorded here.
 */
export const ALERTS_DDL: string[] = [
  `CREATE TABLE IF NOT EXISTS alert_history (alert_id BIGINT, rule VARCHAR, scheme VARCHAR, segment VARCHAR,
     kpi VARCHAR, value DOUBLE, previous DOUBLE, snapshot_id BIGINT, previous_snapshot_id BIGINT, as_of DATE,
     fired_at TIMESTAMP, condition VARCHAR, measures VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS alert_deliveries (delivery_id VARCHAR, alert_id BIGINT, target VARCHAR, kind VARCHAR,
     status VARCHAR, attempts INTEGER, created_at TIMESTAMP, last_attempt_at TIMESTAMP, delivered_at TIMESTAMP,
     last_error VARCHAR, payload VARCHAR)`,
];
