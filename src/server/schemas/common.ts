/**
 * Building blocks of the API's response schemas (zod): each route declares the shape it answers
 * with; the server checks every answer against it and the OpenAPI document is generated from it.
 * A route may carry more fields than its schema lists (extra fields pass, and the OpenAPI document
 * does not forbid them); the
 * schema lists at least what clients (the dashboard among them) read.
 */
import { z } from 'zod';

export const obj = z.object;
export const num = z.number();
export const nullableNum = z.number().nullable();
export const str = z.string();
export const nullableStr = z.string().nullable();
export const suppression = z.enum(['small', 'complementary']);

/** A KPI cell of a segment table. */
export const KpiCell = obj({
  value: nullableNum,
  ci_low: nullableNum,
  ci_high: nullableNum,
  ci_method: nullableStr.optional(),
  available: z.boolean().optional(),
  reason: nullableStr.optional(),
});

/** A significant difference between a segment and the rest. */
export const Flag = obj({ kpi: str, direction: z.enum(['under', 'over']), p_value: num });

/** A segment row as shown: suppressed rows carry no figures. */
export const ShownSegmentRow = obj({
  segment: str,
  customers: nullableNum,
  kpis: z.record(z.string(), KpiCell),
  flags: z.array(Flag),
  suppressed: z.boolean(),
  suppression: suppression.optional(),
});

/** The base row ("All customers"), as stored. */
export const BaseRow = obj({
  segment: str,
  customers: num,
  kpis: z.record(z.string(), KpiCell),
  flags: z.array(Flag),
});

export const SnapshotRef = obj({ snapshot_id: num, as_of: str });

export const Snapshot = obj({
  snapshot_id: num,
  as_of: str,
  created_at: str,
  config_hash: str,
  schemes: z.array(str),
});

/** The error every 4xx and 5xx answer carries. */
export const ErrorBody = obj({ error: obj({ code: str, message: str, hint: str.optional() }) });

/** A route's input that takes nothing. */
export const Nothing = z.strictObject({});
