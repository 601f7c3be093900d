/**
 * The alert history (`alert_history`, ./ddl.ts): recording fired alerts with their queued
 * notifications in one transaction, and reading them back.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import {
  alertText,
  isoTimestamp,
  timestampText,
  type AlertMeasures,
  type AlertRecord,
} from './alert-record.js';
import type { NotifyTarget } from './notify-target.js';

/** An alert about to be recorded (its id is given by {@link recordAlerts}). */
export type NewAlert = Omit<AlertRecord, 'alert_id' | 'fired_at'>;

/** The identity of an alert: a rule firing on one KPI of one segment of one snapshot. */
export function alertKey(
  a: Pick<AlertRecord, 'rule' | 'scheme' | 'segment' | 'kpi' | 'snapshot_id'>,
): string {
  return JSON.stringify([a.rule, a.scheme, a.segment, a.kpi, a.snapshot_id]);
}

type HistoryRow = {
  alert_id: number;
  rule: string;
  scheme: string;
  segment: string;
  kpi: string;
  value: number | null;
  previous: number | null;
  snapshot_id: number;
  previous_snapshot_id: number | null;
  as_of: string;
  fired_at: string;
  condition: string;
  measures: string;
};

const SELECT = `SELECT alert_id, rule, scheme, segment, kpi, value, previous, snapshot_id, previous_snapshot_id,
  CAST(as_of AS VARCHAR) AS as_of, CAST(fired_at AS VARCHAR) AS fired_at, condition, measures FROM alert_history`;

function fromRow(r: HistoryRow): AlertRecord {
  return {
    alert_id: Number(r.alert_id),
    rule: r.rule,
    scheme: r.scheme,
    segment: r.segment,
    kpi: r.kpi,
    value: r.value,
    previous: r.previous,
    snapshot_id: Number(r.snapshot_id),
    fired_at: new Date(isoTimestamp(r.fired_at)).toISOString(),
    as_of: r.as_of,
    previous_snapshot_id: r.previous_snapshot_id === null ? null : Number(r.previous_snapshot_id),
    condition: r.condition,
    measures: JSON.parse(r.measures) as AlertMeasures,
  };
}

/** The alerts already recorded for a snapshot, by {@link alertKey}. */
export async function alertsOfSnapshot(
  engine: Engine,
  snapshotId: number,
): Promise<Map<string, AlertRecord>> {
  const rows = await engine.query<HistoryRow>(`${SELECT} WHERE snapshot_id = $1 ORDER BY alert_id`, [
    snapshotId,
  ]);
  return new Map(rows.map((r) => [alertKey(fromRow(r)), fromRow(r)]));
}

/** The alerts recorded, newest first, optionally of one rule, at most `limit`. */
export async function readAlerts(
  engine: Engine,
  o: { rule?: string; limit: number },
): Promise<AlertRecord[]> {
  const rows = await engine.query<HistoryRow>(
    `${SELECT} ${o.rule === undefined ? '' : 'WHERE rule = $1'} ORDER BY fired_at DESC, alert_id DESC LIMIT ${Math.max(0, Math.floor(o.limit))}`,
    o.rule === undefined ? [] : [o.rule],
  );
  return rows.map(fromRow);
}

/** The rule names in the history. */
export async function recordedRules(engine: Engine): Promise<string[]> {
  const rows = await engine.query<{ rule: string }>(`SELECT DISTINCT rule FROM alert_history ORDER BY rule`);
  return rows.map((r) => r.rule);
}

/** The body sent to a webhook for one alert. */
export function webhookBody(alert: AlertRecord, deliveryId: string): string {
  return JSON.stringify({ event: 'segtrack.alert', delivery_id: deliveryId, text: alertText(alert), alert });
}

/** The line appended to a JSON-lines file for one alert. */
export function jsonlLine(alert: AlertRecord, deliveryId: string): string {
  return JSON.stringify({ ...alert, delivery_id: deliveryId });
}

/**
 * Records alerts and queues their file and webhook notifications (one `alert_deliveries` row per
 * alert and target, pending), all in one transaction: either an alert is stored with every
 * notification it owes, or nothing is. Returns the alerts with their ids and `fired_at`.
 */
export async function recordAlerts(
  engine: Engine,
  alerts: { alert: NewAlert; notify: NotifyTarget[] }[],
  firedAt: Date,
): Promise<AlertRecord[]> {
  if (alerts.length === 0) return [];
  const at = timestampText(firedAt);
  return engine.transaction(async (tx) => {
    const [last] = await tx.query<{ id: number }>(
      `SELECT coalesce(max(alert_id), 0) AS id FROM alert_history`,
    );
    let next = Number(last?.id ?? 0);
    const out: AlertRecord[] = [];
    for (const { alert, notify } of alerts) {
      const record: AlertRecord = { alert_id: ++next, ...alert, fired_at: firedAt.toISOString() };
      await tx.exec(
        `INSERT INTO alert_history VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST($10 AS DATE), CAST($11 AS TIMESTAMP), $12, $13)`,
        [
          record.alert_id,
          record.rule,
          record.scheme,
          record.segment,
          record.kpi,
          record.value,
          record.previous,
          record.snapshot_id,
          record.previous_snapshot_id,
          record.as_of,
          at,
          record.condition,
          JSON.stringify(record.measures),
        ],
      );
      for (const target of notify) {
        if (target.kind === 'console') continue;
        const id = randomUUID();
        const payload = target.kind === 'jsonl' ? jsonlLine(record, id) : webhookBody(record, id);
        await tx.exec(
          `INSERT INTO alert_deliveries VALUES ($1, $2, $3, $4, 'pending', 0, CAST($5 AS TIMESTAMP), NULL, NULL, NULL, $6)`,
          [id, record.alert_id, target.kind === 'jsonl' ? target.path : target.url, target.kind, at, payload],
        );
      }
      out.push(record);
    }
    return out;
  });
}
