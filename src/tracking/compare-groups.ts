/**
 * Who is treated and who is the control in `segtrack compare`: groups from a file of customer
 * ids, a segment of a snapshot, or an activation export and its recorded holdout, written into a
 * temporary group table `(customer_key, treated, weight)` that the metric SQL joins.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/types.js';
import { EngineError, userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Engine } from '../engine/engine.js';
import { storedIds } from '../privacy/forget.js';
import { listSnapshots, type SnapshotInfo } from '../snapshot/read.js';

/** Where the treated customers come from. */
export type TreatedSpec =
  | { kind: 'file'; path: string }
  | { kind: 'segment'; scheme: string; segment: string }
  /** The customers an activation export wrote (not its holdout). */
  | { kind: 'export'; exportId: number };

/** Where the control customers come from. */
export type ControlSpec =
  | { kind: 'file'; path: string }
  | { kind: 'segment'; scheme: string; segment: string }
  /** Nearest neighbours of the treated customers among everyone else (matching.ts). */
  | { kind: 'matched' }
  /** The holdout recorded with an activation export. */
  | { kind: 'holdout'; exportId: number };

/** How a group was resolved, for the outputs. */
export type GroupSource =
  | { kind: 'file'; file: string; ids: number; unknown_ids: number }
  | { kind: 'segment'; scheme: string; segment: string; snapshot_id: number; as_of: string }
  | { kind: 'export'; export_id: number; scheme: string; segment: string; snapshot_id: number }
  | { kind: 'holdout'; export_id: number; scheme: string; segment: string; snapshot_id: number }
  | { kind: 'matched' };

/** Side markers in the group table. */
export const TREATED = 1;
export const CONTROL = 0;

/** Creates an empty temporary group table with a name of its own and returns the name. */
export async function createGroupTable(engine: Engine): Promise<string> {
  const name = `_segtrack_compare_${randomUUID().replaceAll('-', '')}`;
  const d = engine.dialect;
  await engine.exec(
    `CREATE TEMP TABLE ${d.ident(name)} (customer_key ${d.type('integer')}, treated ${d.type('integer')}, weight ${d.type('double')})`,
  );
  return name;
}

/** Drops a table made by {@link createGroupTable} (or any helper table of it). */
export async function dropTable(engine: Engine, name: string): Promise<void> {
  await engine.exec(`DROP TABLE IF EXISTS ${engine.dialect.ident(name)}`);
}

/**
 * Adds the distinct customers of `keys` (a query with a `customer_key` column) to one side. A
 * control customer who is also treated is left out of the control group (counted in `overlap`).
 */
async function addKeys(
  engine: Engine,
  table: string,
  side: number,
  keys: string,
  params: (string | number)[] = [],
): Promise<{ added: number; overlap: number }> {
  const g = engine.dialect.ident(table);
  const count = async () =>
    Number((await engine.query(`SELECT COUNT(*) AS n FROM ${g} WHERE treated = ${side}`))[0]?.['n'] ?? 0);
  const before = await count();
  const [all] = await engine.query(
    `SELECT COUNT(DISTINCT customer_key) AS n FROM (${keys}) x WHERE customer_key IS NOT NULL`,
    params,
  );
  await engine.exec(
    `INSERT INTO ${g} SELECT DISTINCT x.customer_key, ${side}, 1 FROM (${keys}) x ` +
      `WHERE x.customer_key IS NOT NULL AND x.customer_key NOT IN (SELECT customer_key FROM ${g})`,
    params,
  );
  const added = (await count()) - before;
  return { added, overlap: Number(all?.['n'] ?? 0) - added };
}

/**
 * Adds the customers listed in a CSV file with a `customer_id` column (any letter case). Ids are
 * read by the engine's CSV reader as text, pseudonymised like the workspace's ids when the config
 * hashes `customer_id`, and matched by key; ids the workspace does not know are counted.
 */
export async function addFileGroup(
  engine: Engine,
  config: Config | undefined,
  table: string,
  side: number,
  path: string,
): Promise<{ source: GroupSource; overlap: number }> {
  const d = engine.dialect;
  const full = resolve(path);
  const flag = side === TREATED ? '--treated' : '--control';
  if (!existsSync(full))
    throw userError('file_missing', `${flag}: no file at ${full}`, {
      hint: 'give a CSV file with a customer_id column (e.g. from `segtrack members --format csv`)',
    });
  const scan = d.fileScan({ format: 'csv', paths: [full], allText: true, header: true });
  let columns: string[];
  try {
    columns = (await engine.query<{ column_name: string }>(d.describeQuery(`SELECT * FROM ${scan}`))).map(
      (c) => c.column_name,
    );
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    throw userError('file_unreadable', `${flag}: cannot read ${full} as CSV: ${e.detail.split('\n')[0]}`, {
      hint: 'give a CSV file with a header line and a customer_id column',
    });
  }
  const column = columns.find((c) => c.toLowerCase() === 'customer_id');
  if (column === undefined)
    throw userError('missing_column', `${flag}: ${full} has no customer_id column`, {
      at: { file: full, line: 1 },
      hint: `${didYouMean('customer_id', columns)}; the file needs a header line naming a customer_id column`,
    });
  const rows = await engine.query<{ id: string }>(
    `SELECT DISTINCT TRIM(${d.ident(column)}) AS id FROM ${scan} WHERE ${d.ident(column)} IS NOT NULL AND TRIM(${d.ident(column)}) <> ''`,
  );
  const ids = storedIds(
    config,
    rows.map((r) => r.id),
  );
  const staged = `${table}_ids`;
  await dropTable(engine, staged);
  await engine.exec(`CREATE TEMP TABLE ${d.ident(staged)} (customer_id ${d.type('string')})`);
  try {
    await engine.append(staged, [{ name: 'customer_id', type: 'string', values: ids }], { temporary: true });
    const [known] = await engine.query(
      `SELECT COUNT(DISTINCT k.customer_key) AS n FROM ${d.ident(staged)} s JOIN customer_keys k ON k.customer_id = s.customer_id`,
    );
    const { overlap } = await addKeys(
      engine,
      table,
      side,
      `SELECT k.customer_key FROM ${d.ident(staged)} s JOIN customer_keys k ON k.customer_id = s.customer_id`,
    );
    const knownCount = Number(known?.['n'] ?? 0);
    return {
      source: { kind: 'file', file: full, ids: ids.length, unknown_ids: ids.length - knownCount },
      overlap,
    };
  } finally {
    await dropTable(engine, staged);
  }
}

/**
 * The snapshot a segment group is read from: `snapshotId` when given, else the latest snapshot
 * as of the start date or before that has the scheme.
 */
export async function snapshotForSegment(
  engine: Engine,
  scheme: string,
  start: string,
  snapshotId?: number,
): Promise<SnapshotInfo> {
  const all = await listSnapshots(engine);
  if (all.length === 0)
    throw userError('no_snapshots', 'the workspace has no snapshots, so it has no segments yet', {
      hint: `run \`segtrack run --as-of ${start}\` first`,
    });
  if (snapshotId !== undefined) {
    const s = all.find((x) => x.snapshot_id === snapshotId);
    if (!s)
      throw userError('unknown_snapshot', `there is no snapshot ${snapshotId}`, {
        hint: `snapshots: ${all.map((x) => `${x.snapshot_id} (${x.as_of})`).join(', ')}`,
      });
    if (!s.schemes.includes(scheme))
      throw userError('unknown_scheme', `snapshot ${snapshotId} has no scheme '${scheme}'`, {
        hint: didYouMean(scheme, s.schemes),
      });
    return s;
  }
  const withScheme = all.filter((s) => s.schemes.includes(scheme));
  if (withScheme.length === 0)
    throw userError('unknown_scheme', `no snapshot has the scheme '${scheme}'`, {
      hint: didYouMean(scheme, [...new Set(all.flatMap((s) => s.schemes))]),
    });
  const before = withScheme.filter((s) => s.as_of <= start);
  if (before.length === 0)
    throw userError(
      'no_snapshot_before_start',
      `no snapshot with the scheme '${scheme}' is as of ${start} or earlier (the first is as of ${withScheme[0]!.as_of})`,
      {
        hint: `segments are taken as they were at the start: run \`segtrack run --as-of ${start}\`, or pass --snapshot ID to use a later one`,
      },
    );
  return before[before.length - 1]!;
}

/** Adds the members of `scheme`/`segment` in the snapshot chosen by {@link snapshotForSegment}. */
export async function addSegmentGroup(
  engine: Engine,
  table: string,
  side: number,
  scheme: string,
  segment: string,
  start: string,
  snapshotId?: number,
): Promise<{ source: GroupSource; overlap: number }> {
  const snap = await snapshotForSegment(engine, scheme, start, snapshotId);
  const segments = await engine.query<{ segment: string }>(
    `SELECT segment FROM snapshot_segments WHERE snapshot_id = $1 AND scheme = $2 ORDER BY position`,
    [snap.snapshot_id, scheme],
  );
  if (!segments.some((s) => s.segment === segment))
    throw userError(
      'unknown_segment',
      `${side === TREATED ? '--treated-segment' : '--control-segment'}: scheme '${scheme}' has no segment '${segment}' in snapshot ${snap.snapshot_id} (as of ${snap.as_of})`,
      {
        hint: didYouMean(
          segment,
          segments.map((s) => s.segment),
        ),
      },
    );
  const { overlap } = await addKeys(
    engine,
    table,
    side,
    `SELECT customer_key FROM snapshot_members WHERE snapshot_id = $1 AND scheme = $2 AND segment = $3`,
    [snap.snapshot_id, scheme, segment],
  );
  return {
    source: { kind: 'segment', scheme, segment, snapshot_id: snap.snapshot_id, as_of: snap.as_of },
    overlap,
  };
}

/** An activation export's record (src/activation/export.ts). */
export interface ExportRecord {
  export_id: number;
  scheme: string;
  segment: string;
  snapshot_id: number;
  /** The day it was made (YYYY-MM-DD). */
  created: string;
  holdout: number;
}

/** The record of export `id`, or a user error listing the exports there are. */
export async function exportRecord(engine: Engine, id: number): Promise<ExportRecord> {
  const d = engine.dialect;
  const rows = await engine.query<{
    export_id: number;
    scheme: string;
    segment: string;
    snapshot_id: number;
    created: string;
    holdout: number;
  }>(
    `SELECT export_id, scheme, segment, snapshot_id, ${d.cast(d.cast('created_at', 'date'), 'string')} AS created, holdout ` +
      `FROM exports ORDER BY export_id`,
  );
  const found = rows.find((r) => Number(r.export_id) === id);
  if (!found)
    throw userError('unknown_export', `there is no export ${id}`, {
      hint:
        rows.length === 0
          ? 'no export has been made yet: `segtrack export --scheme S --segment G --out FILE --holdout 0.1`'
          : `exports: ${rows.map((r) => `${r.export_id} (${r.scheme}/${r.segment})`).join(', ')}`,
    });
  return {
    export_id: Number(found.export_id),
    scheme: found.scheme,
    segment: found.segment,
    snapshot_id: Number(found.snapshot_id),
    created: found.created,
    holdout: Number(found.holdout),
  };
}

/** Adds an export's exported customers (`holdout` false) or its holdout (`holdout` true). */
export async function addExportGroup(
  engine: Engine,
  table: string,
  side: number,
  record: ExportRecord,
  holdout: boolean,
): Promise<{ source: GroupSource; overlap: number }> {
  const { overlap } = await addKeys(
    engine,
    table,
    side,
    `SELECT customer_key FROM export_members WHERE export_id = $1 AND holdout = ${engine.dialect.literal(holdout)}`,
    [record.export_id],
  );
  const common = {
    export_id: record.export_id,
    scheme: record.scheme,
    segment: record.segment,
    snapshot_id: record.snapshot_id,
  };
  return { source: holdout ? { kind: 'holdout', ...common } : { kind: 'export', ...common }, overlap };
}

/** Adds matched controls: pool customer keys with their matching weights (weight 0 skipped). */
export async function addWeightedControls(
  engine: Engine,
  table: string,
  keys: Float64Array,
  weights: Float64Array,
): Promise<void> {
  const k: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < keys.length; i++)
    if (weights[i]! > 0) {
      k.push(keys[i]!);
      w.push(weights[i]!);
    }
  await engine.append(
    table,
    [
      { name: 'customer_key', type: 'integer', values: k },
      { name: 'treated', type: 'integer', values: k.map(() => CONTROL) },
      { name: 'weight', type: 'double', values: w },
    ],
    { temporary: true },
  );
}

/** Distinct customers on each side of the group table. */
export async function groupSizes(
  engine: Engine,
  table: string,
): Promise<{ treated: number; control: number }> {
  const rows = await engine.query<{ treated: number; n: number }>(
    `SELECT treated, COUNT(*) AS n FROM ${engine.dialect.ident(table)} GROUP BY treated`,
  );
  const of = (side: number) => Number(rows.find((r) => Number(r.treated) === side)?.n ?? 0);
  return { treated: of(TREATED), control: of(CONTROL) };
}
