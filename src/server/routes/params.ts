/** Request schemas shared by the routes (path parameters and query strings arrive as text). */
import { z } from 'zod';

/** A whole number in a query string. */
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const snapshotId = int(1, 2 ** 31 - 1);
export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(d);
  }, 'not a calendar date');
/** A name as it appears in a path or query (scheme, segment, KPI, rule). */
export const name = z.string().min(1).max(200);

export const SchemeParams = z.strictObject({ scheme: name });
export const SegmentParams = z.strictObject({ scheme: name, segment: name });
export const SnapshotQuery = z.strictObject({ snapshot: snapshotId.optional() });
/** A comma-separated list of KPI names (`?kpis=revenue,aov`). */
export const kpiList = z
  .string()
  .max(2000)
  .transform((s) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== ''),
  );
