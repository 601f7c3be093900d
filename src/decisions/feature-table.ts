/**
 * What the decision stages need to know about the feature table: its columns and the as-of date
 * it was built for.
 */
import type { Engine } from '../engine/engine.js';
import { describeColumns } from '../ingest/stage.js';

/** The feature table as found in the workspace. */
export interface FeatureTableInfo {
  /** Column names (empty when the table does not exist). */
  columns: Set<string>;
  /**
   * The as-of date it was built for, `YYYY-MM-DD`: last_order_at + recency_days of any customer
   * who has ordered (recency_days is defined as the days from the last order to the as-of date);
   * null when nobody has ordered.
   */
  asOf: string | null;
}

/** Looks at the `features` table. */
export async function featureTableInfo(engine: Engine): Promise<FeatureTableInfo> {
  const d = engine.dialect;
  const columns = new Set((await describeColumns(engine, 'features')).map((c) => c.name));
  if (!columns.has('last_order_at') || !columns.has('recency_days')) return { columns, asOf: null };
  const day = d.cast(d.addDays(d.cast('last_order_at', 'date'), 'recency_days'), 'date');
  const [row] = await engine.query<{ as_of: string | null }>(
    `SELECT ${d.cast(`MAX(${day})`, 'string')} AS as_of FROM features WHERE last_order_at IS NOT NULL`,
  );
  return { columns, asOf: row?.as_of ?? null };
}
