/** Response schemas of the catalogue, scheme and segment routes. */
import { z } from 'zod';
import {
  BaseRow,
  nullableNum,
  nullableStr,
  num,
  obj,
  ShownSegmentRow,
  Snapshot,
  SnapshotRef,
  str,
  suppression,
} from './common.js';

export const Health = obj({ ok: z.literal(true) });

export const WhoAmI = obj({
  role: z.enum(['viewer', 'analyst', 'admin']),
  actor: str,
  /** Whether the server accepted this caller without a token (loopback while no token exists). */
  loopback: z.boolean(),
  can: obj({ aggregates: z.boolean(), members: z.boolean(), admin: z.boolean() }),
  min_segment_size: num,
  currency: nullableStr,
});

export const KpiDefinition = obj({
  name: str,
  unit: str,
  direction: z.enum(['higher', 'lower']),
  description: str,
  formula: str,
  interval: str,
  requires: z.array(str),
  custom: z.boolean(),
  additive: z.boolean(),
});
export const Kpis = obj({ kpis: z.array(KpiDefinition) });

export const Snapshots = obj({ snapshots: z.array(Snapshot) });

export const SchemeSummary = obj({ name: str, type: str, segments: z.array(str), description: str });
export const Schemes = obj({ snapshot_id: num, as_of: str, schemes: z.array(SchemeSummary) });

const HeadlineKpi = obj({
  kpi: str,
  unit: str,
  direction: z.enum(['higher', 'lower']),
  value: nullableNum,
  ci_low: nullableNum,
  ci_high: nullableNum,
  previous: nullableNum,
  change: nullableNum,
  relative_change: nullableNum,
  improved: z.boolean().nullable(),
  series: z.array(obj({ snapshot_id: num, as_of: str, value: nullableNum })),
});
const HighlightSegment = obj({
  segment: str,
  customers: num,
  value: nullableNum,
  share_of_total: nullableNum,
  previous: nullableNum,
  relative_change: nullableNum,
});
export const Overview = obj({
  snapshot: SnapshotRef,
  previous: SnapshotRef.nullable(),
  snapshots: num,
  customers: num,
  headline: z.array(HeadlineKpi),
  schemes: z.array(SchemeSummary),
  highlights: obj({
    scheme: str,
    kpi: str,
    most_valuable: z.array(HighlightSegment),
    slipping: z.array(HighlightSegment),
  }).nullable(),
  min_segment_size: num,
});

export const SegmentTable = obj({
  scheme: str,
  snapshot_id: num,
  as_of: str,
  segments: z.array(ShownSegmentRow),
  base: BaseRow,
  min_segment_size: num,
});

const NumericProfile = obj({
  feature: str,
  description: str,
  mean: nullableNum,
  n: nullableNum,
  base_mean: nullableNum,
  base_sd: nullableNum,
  std_diff: nullableNum,
  suppressed: z.boolean(),
});
const CategoricalProfile = obj({
  feature: str,
  description: str,
  categories: z.array(
    obj({ category: str, share: nullableNum, base_share: nullableNum, suppressed: z.boolean() }),
  ),
});
export const SegmentProfile = obj({
  available: z.boolean(),
  reason: nullableStr,
  numeric: z.array(NumericProfile),
  categorical: z.array(CategoricalProfile),
});

export const SegmentDetail = obj({
  scheme: str,
  scheme_type: str,
  snapshot_id: num,
  as_of: str,
  segment: ShownSegmentRow,
  base: BaseRow,
  /** The segment's position in the scheme's table by customers, 1 = largest. */
  rank: obj({ by_customers: num.nullable(), segments: num }),
  profile: SegmentProfile,
  min_segment_size: num,
});

export const Members = obj({
  scheme: str,
  segment: str,
  snapshot_id: num,
  page: num,
  page_size: num,
  total: num,
  members: z.array(str),
});

const TrendPoint = obj({
  period: str,
  value: nullableNum,
  ci_low: nullableNum,
  ci_high: nullableNum,
  snapshot_id: num,
  suppressed: z.boolean(),
  suppression: suppression.optional(),
});
export const Trend = obj({
  kpi: str,
  scheme: str,
  period: str,
  series: z.array(obj({ segment: str, points: z.array(TrendPoint) })),
});
