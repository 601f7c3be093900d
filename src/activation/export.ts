import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Config } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { describeColumns } from '../ingest/stage.js';
import { recommend } from '../decisions/recommend.js';
import { recordAudit } from '../privacy/audit.js';
import { requireScheme, resolveSnapshot } from '../snapshot/read.js';

/** Settings of {@link exportSegment}. */
export interface ExportOptions {
  scheme: string;
  segment: string;
  out: string;
  format: 'csv' | 'parquet' | 'json';
  /** Fraction of the consenting members held out as a control group (0 ≤ f < 1; default 0). */
  holdout?: number;
  snapshotId?: number;
  /** Seed of the holdout draw (default: random; recorded either way). */
  seed?: number;
  /** Who exports, for the audit log (default: the local user, see `currentActor`). */
  actor?: string;
  /** What the export and audit records name as the destination (default: the file's path). */
  recordedAs?: string;
}

/** What `segtrack export` reports (CONTRACT.md). */
export interface ExportResult {
  exported: number;
  excluded_no_consent: number;
  /** Of those excluded, how many had no recorded consent (excluded unless `privacy.unknown_consent: include`). */
  excluded_unknown_consent: number;
  holdout: number;
  out: string;
  export_id: number;
  snapshot_id: number;
  /** Members of the segment in the snapshot: exported + excluded_no_consent + holdout + gone. */
  members: number;
  /** Members no longer in the feature table (erased since the snapshot, say). */
  not_current: number;
  /** The segment's recommended action (`segtrack recommend`), carried on every row; null when suppressed. */
  recommended_action: string | null;
}

/** Bookkeeping of activation exports; `export_members` is what erasure reaches by key. */
export const EXPORT_DDL = [
  `CREATE TABLE IF NOT EXISTS exports (export_id BIGINT, created_at TIMESTAMP, actor VARCHAR, snapshot_id BIGINT,
     scheme VARCHAR, segment VARCHAR, out VARCHAR, format VARCHAR, exported BIGINT, excluded_no_consent BIGINT,
     holdout BIGINT, holdout_fraction DOUBLE, seed BIGINT)`,
  `CREATE TABLE IF NOT EXISTS export_members (export_id BIGINT, customer_key INTEGER, holdout BOOLEAN)`,
];

/** Feature columns an export carries when present (the scores a marketing tool personalises on). */
const SCORE_COLUMNS = ['p_alive', 'predicted_clv', 'expected_purchases'];

/**
 * Activation export of one segment of a snapshot: its members with marketing consent (and, by
 * `privacy.unknown_consent`, those whose consent is unknown — left out by default) are written
 * to a file, less a random holdout drawn from them and recorded (`export_members`), so the
 * effect of acting on the segment can be measured against the held-out customers later. With
 * `privacy.require_consent: false` consent is not checked. Each file row has the customer id,
 * the segment, the segment's recommended action (`segtrack recommend`), and the model scores when
 * the run computed them (P(alive), churn risk
 * = 1 − P(alive), predicted CLV, expected purchases). Recorded in the audit log.
 */
export async function exportSegment(
  engine: Engine,
  config: Config | undefined,
  o: ExportOptions,
): Promise<ExportResult> {
  const d = engine.dialect;
  const holdout = o.holdout ?? 0;
  if (!(holdout >= 0 && holdout < 1))
    throw userError('bad_flag', `--holdout must be a fraction from 0 to below 1, not ${String(o.holdout)}`, {
      hint: 'e.g. --holdout 0.1 keeps 10 % of the segment back as a control group',
    });
  const snap = await resolveSnapshot(engine, o.snapshotId);
  requireScheme(snap, o.scheme);
  const segments = await engine.query<{ segment: string }>(
    `SELECT segment FROM snapshot_segments WHERE snapshot_id = $1 AND scheme = $2 ORDER BY position`,
    [snap.snapshot_id, o.scheme],
  );
  if (!segments.some((s) => s.segment === o.segment))
    throw userError('unknown_segment', `scheme '${o.scheme}' has no segment '${o.segment}'`, {
      hint: didYouMean(
        o.segment,
        segments.map((s) => s.segment),
      ),
    });
  const requireConsent = config?.privacy?.require_consent ?? true;
  const includeUnknown = config?.privacy?.unknown_consent === 'include';
  const available = new Set((await describeColumns(engine, 'features')).map((c) => c.name));
  const scores = SCORE_COLUMNS.filter((c) => available.has(c));
  const seed = o.seed ?? randomInt(0, 2 ** 31 - 1);
  // The segment's recommended action (segtrack recommend), so a marketing tool can act on it.
  const advice = (
    await recommend(engine, config, { scheme: o.scheme, snapshotId: snap.snapshot_id })
  ).recommendations.find((r) => r.segment === o.segment);
  const action = advice?.action ?? null;
  const out = resolve(o.out);

  return engine.transaction(async (tx) => {
    const [last] = await tx.query('SELECT COALESCE(MAX(export_id), 0) AS id FROM exports');
    const id = Number(last?.['id'] ?? 0) + 1;
    const consent = 'f.consent_marketing';
    const allowed = !requireConsent
      ? 'TRUE'
      : includeUnknown
        ? `(${consent} OR ${consent} IS NULL)`
        : `COALESCE(${consent}, FALSE)`;
    // The members, their consent, and a seeded pseudo-random order for the holdout draw.
    const staged = '_segtrack_export';
    await tx.exec(`DROP TABLE IF EXISTS ${staged}`);
    await tx.exec(
      `CREATE TEMP TABLE ${staged} AS SELECT m.customer_key, f.customer_id, ${consent} AS consent, ` +
        `f.customer_id IS NOT NULL AS current, ${allowed} AS allowed, ` +
        `ROW_NUMBER() OVER (ORDER BY ${d.fn('hash', 'm.customer_key', d.literal(seed))}, m.customer_key) AS draw ` +
        `FROM snapshot_members m LEFT JOIN features f ON f.customer_key = m.customer_key ` +
        `WHERE m.snapshot_id = ${snap.snapshot_id} AND m.scheme = $1 AND m.segment = $2`,
      [o.scheme, o.segment],
    );
    // Every count in one pass over the staged members.
    const [c] = await tx.query(
      `SELECT COUNT(*) AS members, COUNT(*) FILTER (WHERE NOT current) AS not_current, ` +
        `COUNT(*) FILTER (WHERE current AND NOT allowed) AS excluded, ` +
        `COUNT(*) FILTER (WHERE current AND NOT allowed AND consent IS NULL) AS excluded_unknown, ` +
        `COUNT(*) FILTER (WHERE current AND allowed) AS eligible FROM ${staged}`,
    );
    const n = (k: string) => Number(c?.[k] ?? 0);
    const [members, notCurrent, excluded, excludedUnknown, eligible] = [
      n('members'),
      n('not_current'),
      n('excluded'),
      n('excluded_unknown'),
      n('eligible'),
    ];
    const held = Math.round(eligible * holdout);
    // The first `held` eligible customers in draw order are held out.
    await tx.exec(
      `INSERT INTO export_members SELECT ${id}, customer_key, rk <= ${held} FROM ` +
        `(SELECT customer_key, ROW_NUMBER() OVER (ORDER BY draw) AS rk FROM ${staged} WHERE current AND allowed) e`,
    );
    const cols = [
      'f.customer_id',
      `${d.literal(o.segment)} AS segment`,
      `${action === null ? d.cast('NULL', 'string') : d.literal(action)} AS recommended_action`,
      ...scores.map((c) => `f.${d.ident(c)}`),
      ...(scores.includes('p_alive') ? ['1 - f.p_alive AS churn_risk'] : []),
    ];
    const rows =
      `SELECT ${cols.join(', ')} FROM export_members x JOIN features f ON f.customer_key = x.customer_key ` +
      `WHERE x.export_id = ${id} AND NOT x.holdout ORDER BY f.customer_id`;
    await tx.exec(d.copyToFile(rows, out, o.format));
    await tx.exec(
      `INSERT INTO exports VALUES (${id}, CURRENT_TIMESTAMP, $1, ${snap.snapshot_id}, $2, $3, $4, $5, ` +
        `${eligible - held}, ${excluded}, ${held}, ${holdout}, ${seed})`,
      [o.actor ?? process.env['SEGTRACK_ACTOR'] ?? null, o.scheme, o.segment, o.recordedAs ?? out, o.format],
    );
    await recordAudit(
      tx,
      'export',
      `${o.scheme}/${o.segment}`,
      {
        export_id: id,
        snapshot_id: snap.snapshot_id,
        exported: eligible - held,
        excluded_no_consent: excluded,
        holdout: held,
        out: o.recordedAs ?? out,
      },
      o.actor,
    );
    await tx.exec(`DROP TABLE IF EXISTS ${staged}`);
    return {
      exported: eligible - held,
      excluded_no_consent: excluded,
      excluded_unknown_consent: excludedUnknown,
      holdout: held,
      out,
      export_id: id,
      snapshot_id: snap.snapshot_id,
      members,
      not_current: notCurrent,
      recommended_action: action,
    };
  });
}
