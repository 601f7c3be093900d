import type { Engine } from '../engine/engine.js';
import type { SchemeAssignment } from '../segments/scheme.js';
import type { StoredProfileRow } from './profiles.js';

/** One KPI of one segment as stored. */
export interface StoredKpi {
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  ci_method: string | null;
  n: number | null;
  available: boolean;
  reason: string | null;
}

/** A significant difference between a segment and the rest of the base. */
export interface StoredFlag {
  kpi: string;
  direction: 'under' | 'over';
  p_value: number;
  [extra: string]: unknown;
}

/** One segment of one scheme as stored. */
export interface StoredSegment {
  scheme: string;
  segment: string;
  customers: number;
  kpis: Record<string, StoredKpi>;
  flags: StoredFlag[];
}

/** The pseudo-scheme under which the whole base's KPIs are stored. */
export const BASE_SCHEME = '(all)';
export const BASE_SEGMENT = 'All customers';

/** Creates the snapshot tables if missing. */
export async function ensureSnapshotSchema(engine: Engine): Promise<void> {
  const statements = [
    `CREATE TABLE IF NOT EXISTS snapshots (snapshot_id BIGINT PRIMARY KEY, as_of DATE, created_at TIMESTAMP,
       config_hash VARCHAR, schemes VARCHAR, kpis VARCHAR, meta VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS snapshot_schemes (snapshot_id BIGINT, scheme VARCHAR, type VARCHAR, segments VARCHAR, meta VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS snapshot_segments (snapshot_id BIGINT, scheme VARCHAR, segment VARCHAR, position INTEGER,
       customers BIGINT, flags VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS snapshot_kpis (snapshot_id BIGINT, scheme VARCHAR, segment VARCHAR, kpi VARCHAR,
       value DOUBLE, ci_low DOUBLE, ci_high DOUBLE, ci_method VARCHAR, n BIGINT, available BOOLEAN, reason VARCHAR)`,
    // Members by `customer_key` (see customer_keys): a few bytes per row whatever the ids are like.
    `CREATE TABLE IF NOT EXISTS snapshot_members (snapshot_id BIGINT, scheme VARCHAR, segment VARCHAR, customer_key INTEGER)`,
    // Model fits and holdout validations (`segtrack fit`, `segtrack validate`), attached to the
    // latest snapshot at the time (NULL before the first), as JSON.
    `CREATE TABLE IF NOT EXISTS snapshot_models (snapshot_id BIGINT, kind VARCHAR, created_at TIMESTAMP, report VARCHAR)`,
    // Segment profiles against the base (src/snapshot/profiles.ts): a numeric feature's mean, sd
    // and count (category NULL), or a category's count.
    `CREATE TABLE IF NOT EXISTS snapshot_profiles (snapshot_id BIGINT, scheme VARCHAR, segment VARCHAR,
       feature VARCHAR, category VARCHAR, n BIGINT, mean DOUBLE, sd DOUBLE)`,
  ];
  for (const s of statements) await engine.exec(s);
}

/** What {@link writeSnapshot} stores. */
export interface SnapshotContent {
  asOf: string;
  configHash: string;
  schemes: SchemeAssignment[];
  kpis: string[];
  /** Membership table `(scheme, segment, customer_key)` (and any other columns). */
  members: string;
  segments: StoredSegment[];
  base: StoredSegment;
  meta: Record<string, unknown>;
  /** Segment profiles against the base (src/snapshot/profiles.ts); none when absent. */
  profiles?: readonly StoredProfileRow[];
}

/**
 * Stores a snapshot — membership, KPI values with intervals, flags, the as-of date and the config
 * hash — in one transaction. A snapshot for the same as-of date and config replaces the earlier
 * one (keeping its id), so re-running a day does not duplicate history.
 */
export async function writeSnapshot(engine: Engine, c: SnapshotContent): Promise<number> {
  const d = engine.dialect;
  return engine.transaction(async (tx) => {
    const [prev] = await tx.query(
      `SELECT snapshot_id FROM snapshots WHERE as_of = CAST($1 AS DATE) AND config_hash = $2`,
      [c.asOf, c.configHash],
    );
    let id: number;
    if (prev) {
      id = Number(prev['snapshot_id']);
      for (const t of [
        'snapshots',
        'snapshot_schemes',
        'snapshot_segments',
        'snapshot_kpis',
        'snapshot_members',
        'snapshot_profiles',
      ])
        await tx.exec(`DELETE FROM ${t} WHERE snapshot_id = ${id}`);
    } else {
      const [last] = await tx.query(`SELECT coalesce(max(snapshot_id), 0) AS id FROM snapshots`);
      id = Number(last?.['id'] ?? 0) + 1;
    }
    await tx.exec(`INSERT INTO snapshots VALUES (${id}, CAST($1 AS DATE), ${d.now()}, $2, $3, $4, $5)`, [
      c.asOf,
      c.configHash,
      JSON.stringify(c.schemes.map((s) => s.scheme)),
      JSON.stringify(c.kpis),
      JSON.stringify(c.meta),
    ]);
    for (const s of c.schemes)
      await tx.exec(`INSERT INTO snapshot_schemes VALUES (${id}, $1, $2, $3, $4)`, [
        s.scheme,
        s.type,
        JSON.stringify(s.segments),
        JSON.stringify(s.meta),
      ]);
    const segRows: string[] = [];
    const kpiRows: string[] = [];
    const num = (x: number | null) => (x === null || !Number.isFinite(x) ? 'NULL' : d.literal(x));
    for (const seg of [c.base, ...c.segments]) {
      const scheme = c.schemes.find((s) => s.scheme === seg.scheme);
      const position = scheme ? scheme.segments.indexOf(seg.segment) : 0;
      segRows.push(
        `(${id}, ${d.literal(seg.scheme)}, ${d.literal(seg.segment)}, ${position}, ${seg.customers}, ${d.literal(JSON.stringify(seg.flags))})`,
      );
      for (const [kpi, v] of Object.entries(seg.kpis))
        kpiRows.push(
          `(${id}, ${d.literal(seg.scheme)}, ${d.literal(seg.segment)}, ${d.literal(kpi)}, ${num(v.value)}, ${num(v.ci_low)}, ` +
            `${num(v.ci_high)}, ${d.literal(v.ci_method)}, ${num(v.n)}, ${d.literal(v.available)}, ${d.literal(v.reason)})`,
        );
    }
    for (let i = 0; i < segRows.length; i += 500)
      await tx.exec(`INSERT INTO snapshot_segments VALUES ${segRows.slice(i, i + 500).join(', ')}`);
    for (let i = 0; i < kpiRows.length; i += 500)
      await tx.exec(`INSERT INTO snapshot_kpis VALUES ${kpiRows.slice(i, i + 500).join(', ')}`);
    const profileRows = (c.profiles ?? []).map(
      (r) =>
        `(${id}, ${d.literal(r.scheme)}, ${d.literal(r.segment)}, ${d.literal(r.feature)}, ${d.literal(r.category)}, ` +
        `${r.n}, ${num(r.mean)}, ${num(r.sd)})`,
    );
    for (let i = 0; i < profileRows.length; i += 500)
      await tx.exec(`INSERT INTO snapshot_profiles VALUES ${profileRows.slice(i, i + 500).join(', ')}`);
    await tx.execUnordered(
      `INSERT INTO snapshot_members SELECT ${id}, scheme, segment, customer_key FROM ${d.ident(c.members)}`,
    );
    return id;
  });
}

/**
 * Stores a model report (`fit` or `validate`) with the latest snapshot and returns that
 * snapshot's id (null when there is none yet).
 */
export async function storeModelReport(
  engine: Engine,
  kind: 'fit' | 'validate',
  report: Record<string, unknown>,
): Promise<number | null> {
  const d = engine.dialect;
  return engine.transaction(async (tx) => {
    const [row] = await tx.query('SELECT MAX(snapshot_id) AS id FROM snapshots');
    const id = row?.['id'] === null || row?.['id'] === undefined ? null : Number(row['id']);
    await tx.exec(
      `INSERT INTO snapshot_models VALUES (${id === null ? 'NULL' : id}, ${d.literal(kind)}, CURRENT_TIMESTAMP, ${d.literal(JSON.stringify(report))})`,
    );
    return id;
  });
}
