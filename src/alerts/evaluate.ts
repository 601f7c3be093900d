/**
 * The alerting stage of a run: the config's rules evaluated against the snapshot the run just
 * stored, the alerts that fire recorded, and their notifications sent. See ./CONTEXT.md.
 */
import type { Config } from '../config/types.js';
import type { Problem } from '../core/errors.js';
import { formatProblem } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Engine } from '../engine/engine.js';
import { minSegmentSizeOf } from '../privacy/threshold.js';
import { alertText, type AlertMeasures, type AlertRecord } from './alert-record.js';
import { evaluateCondition } from './condition.js';
import { deliverPending, type DeliveryReport } from './deliver.js';
import { alertKey, alertsOfSnapshot, recordAlerts, type NewAlert } from './history-store.js';
import { schemeKpi, type EvaluatedSnapshot, type SchemeKpi, type SegmentKpi } from './kpi-history.js';
import { computeMeasures } from './measures.js';
import type { NotifyTarget } from './notify-target.js';
import { alertLocation, alertRules, type AlertRule } from './rules.js';
import { webhookSettingsFromEnv } from './webhook-settings.js';
import type { WebhookSettings } from './webhook.js';

/** An alert that holds on the evaluated snapshot. */
export interface FiredAlert extends AlertRecord {
  /** True when this snapshot had already fired it (a re-run): it was not notified again. */
  repeat: boolean;
}

/** What a run's alert evaluation reports (in the run's JSON as `alerts`). */
export interface RunAlerts {
  /** The alerts that hold on this snapshot, in rule order. */
  fired: FiredAlert[];
  /** Rules evaluated (rules with a mistake are left out and reported in `problems`). */
  rules: number;
  /** Segments not evaluated because `privacy.min_segment_size` suppresses them. */
  suppressed: number;
  /** Mistakes in the rules and in the notification settings; the other rules still ran. */
  problems: Problem[];
  /**
   * The file and webhook notifications: this run's and any left pending by earlier runs. Null
   * when the config has no alert rules: the stage then does nothing at all (what earlier rules
   * left pending waits for `segtrack alerts --retry` or the next run with rules).
   */
  deliveries: DeliveryReport | null;
}

/** Settings for {@link evaluateAlerts}, for tests and embedding; the defaults suit a run. */
export interface EvaluateOptions {
  /** Where console notifications and warnings go (default: the process's stderr). */
  stderr?: NodeJS.WritableStream;
  /** Where the webhook settings are read from (default: the process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Webhook settings overriding the environment's. */
  webhook?: Partial<WebhookSettings>;
  /** The clock (default: the system's). */
  now?: () => Date;
}

function measuresJson(m: ReturnType<typeof computeMeasures>, historyPoints: number): AlertMeasures {
  const out: AlertMeasures = {
    change: m.change,
    pct_change: m.pct_change,
    anomaly: m.anomaly !== null && Number.isFinite(m.anomaly) ? m.anomaly : null,
    customers: m.customers,
    history_points: historyPoints,
  };
  if (m.anomaly !== null && !Number.isFinite(m.anomaly))
    out.note = `the history was constant, so the value is infinitely far from it (anomaly ${m.anomaly > 0 ? '+' : '-'}∞)`;
  return out;
}

/**
 * Evaluates the config's alert rules against the snapshot a run just stored, records the alerts
 * that fire (once per snapshot: a re-run of the same snapshot does not fire or notify again),
 * prints console notifications, then sends every pending file and webhook notification — this
 * run's and those earlier runs could not deliver. Nothing here fails the run: mistakes in rules
 * and failed deliveries are reported in the result (and as warnings on stderr); the alerts are
 * stored either way.
 *
 * @example const { fired } = await evaluateAlerts(engine, config, run.snapshot_id);
 */
export async function evaluateAlerts(
  engine: Engine,
  config: Config,
  snapshotId: number,
  options: EvaluateOptions = {},
): Promise<RunAlerts> {
  // No rules: nothing to evaluate and no query at all, so runs without alerts pay nothing. Deliveries
  // left pending by rules since removed wait for `segtrack alerts --retry`.
  if ((config.alerts ?? []).length === 0)
    return {
      fired: [],
      rules: 0,
      suppressed: 0,
      problems: [],
      deliveries: null,
    };
  const stderr = options.stderr ?? process.stderr;
  const now = options.now ?? (() => new Date());
  const { rules, problems } = alertRules(config);
  const env = webhookSettingsFromEnv(options.env ?? process.env);
  const settings: WebhookSettings = { ...env.settings, ...options.webhook };
  problems.push(...env.problems);

  const [snap] = await engine.query<{ snapshot_id: number; as_of: string }>(
    `SELECT snapshot_id, CAST(as_of AS VARCHAR) AS as_of FROM snapshots WHERE snapshot_id = $1`,
    [snapshotId],
  );
  const fired: FiredAlert[] = [];
  let suppressed = 0;
  if (snap !== undefined && rules.length > 0) {
    const snapshot: EvaluatedSnapshot = { snapshot_id: Number(snap.snapshot_id), as_of: snap.as_of };
    const threshold = minSegmentSizeOf(config);
    const cache = new Map<string, Promise<SchemeKpi>>();
    const read = (scheme: string, kpi: string) => {
      const key = JSON.stringify([scheme, kpi]);
      let p = cache.get(key);
      if (p === undefined) cache.set(key, (p = schemeKpi(engine, snapshot, scheme, kpi, threshold)));
      return p;
    };
    const existing = await alertsOfSnapshot(engine, snapshot.snapshot_id);
    const holding: { alert: NewAlert; notify: NotifyTarget[]; repeat?: AlertRecord }[] = [];
    for (const rule of rules) {
      const found = targetsOf(rule, await read(rule.scheme, rule.kpi), snapshot, config);
      if ('problem' in found) {
        problems.push(found.problem);
        continue;
      }
      for (const t of found.targets) {
        if (t.suppressed) {
          suppressed++;
          continue;
        }
        const alert = firing(rule, t, snapshot);
        if (alert === null) continue;
        const before = existing.get(alertKey(alert));
        holding.push(
          before ? { alert, notify: rule.notify, repeat: before } : { alert, notify: rule.notify },
        );
      }
    }
    const recorded = await recordAlerts(
      engine,
      holding.filter((h) => h.repeat === undefined),
      now(),
    );
    let i = 0;
    for (const h of holding) {
      if (h.repeat) {
        fired.push({ ...h.repeat, repeat: true });
        continue;
      }
      const record = recorded[i++]!;
      fired.push({ ...record, repeat: false });
      if (h.notify.some((t) => t.kind === 'console')) stderr.write(`${alertText(record)}\n`);
    }
  }
  const deliveries = await deliverPending(engine, settings, now);
  for (const f of deliveries.failures)
    stderr.write(`warning: alert notification not delivered: ${f}; kept, retried at the next run\n`);
  if (settings.secret === undefined && deliveries.webhooks > 0)
    problems.push({
      code: 'alert_unsigned_webhook',
      message: 'SEGTRACK_WEBHOOK_SECRET is not set: webhook requests were sent without a signature',
      hint: 'set SEGTRACK_WEBHOOK_SECRET to a long random text shared with the receiver',
    });
  for (const p of problems) stderr.write(`warning: ${formatProblem(p)}\n`);
  return { fired, rules: rules.length, suppressed, problems, deliveries };
}

/** The segments a rule is evaluated on in this snapshot, or why it cannot be. */
function targetsOf(
  rule: AlertRule,
  data: SchemeKpi,
  snapshot: EvaluatedSnapshot,
  config: Config,
): { targets: SegmentKpi[] } | { problem: Problem } {
  const label = `alerts[${rule.index}] (${rule.name})`;
  if (!data.ok)
    return data.reason === 'no_scheme'
      ? {
          problem: {
            code: 'alert_scheme_missing',
            message: `${label}: snapshot ${snapshot.snapshot_id} has no scheme '${rule.scheme}' (it was skipped or is new)`,
            at: alertLocation(config, rule.index, 'scheme'),
            hint: 'see `skipped_schemes` in the run output',
          },
        }
      : {
          problem: {
            code: 'alert_kpi_missing',
            message: `${label}: snapshot ${snapshot.snapshot_id} has no KPI '${rule.kpi}'`,
            at: alertLocation(config, rule.index, 'kpi'),
            hint: 'check kpis.include, or run again so the KPI is computed',
          },
        };
  if (rule.segment === null) return { targets: data.segments };
  const targets = data.segments.filter((s) => s.segment === rule.segment);
  if (targets.length > 0) return { targets };
  return {
    problem: {
      code: 'alert_unknown_segment',
      message: `${label}: scheme '${rule.scheme}' has no segment '${rule.segment}' in snapshot ${snapshot.snapshot_id}`,
      at: alertLocation(config, rule.index, 'segment'),
      hint: didYouMean(
        rule.segment,
        data.segments.map((s) => s.segment),
      ),
    },
  };
}

/** The alert a rule fires on one (shown) segment, or null when its condition does not hold. */
function firing(rule: AlertRule, t: SegmentKpi, snapshot: EvaluatedSnapshot): NewAlert | null {
  if (t.value === null) return null;
  const m = computeMeasures({
    value: t.value,
    previous: t.previous,
    history: t.history,
    customers: t.customers,
  });
  if (evaluateCondition(rule.condition, m) !== true) return null;
  return {
    rule: rule.name,
    scheme: rule.scheme,
    segment: t.segment,
    kpi: rule.kpi,
    value: t.value,
    previous: t.previous,
    snapshot_id: snapshot.snapshot_id,
    as_of: snapshot.as_of,
    previous_snapshot_id: t.previous === null ? null : t.previous_snapshot_id,
    condition: rule.condition.text,
    measures: measuresJson(m, t.history.length),
  };
}
