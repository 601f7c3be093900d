/** Response schemas of the tracking, model, decision and data-quality routes. */
import { z } from 'zod';
import {
  KpiCell,
  Flag,
  nullableNum,
  nullableStr,
  num,
  obj,
  SnapshotRef,
  str,
  suppression,
} from './common.js';

export const Cohorts = obj({
  period: str,
  metric: str,
  as_of: str,
  min_segment_size: num,
  cohorts: z.array(
    obj({
      cohort: str,
      size: nullableNum,
      values: z.array(nullableNum),
      suppressed: z.boolean(),
      suppression: suppression.optional(),
      suppressed_periods: z.array(num),
    }),
  ),
});

const MigrationCell = obj({
  from: str,
  to: str,
  flow: z.enum(['stay', 'move', 'entry', 'exit', 'erased']),
  customers: nullableNum,
  revenue: nullableNum,
  revenue_before: nullableNum,
  predicted_clv: nullableNum.optional(),
  suppressed: z.boolean(),
  suppression: suppression.optional(),
});
const MigrationMargin = obj({
  segment: str,
  customers: nullableNum,
  suppressed: z.boolean(),
  suppression: suppression.optional(),
});
export const Migration = obj({
  scheme: str,
  from_snapshot: SnapshotRef,
  to_snapshot: SnapshotRef,
  min_segment_size: num,
  predicted_clv: z.boolean(),
  matrix: z.array(MigrationCell),
  from_segments: z.array(MigrationMargin),
  to_segments: z.array(MigrationMargin),
});

const BeforeAfterCell = obj({ value: nullableNum, ci_low: nullableNum, ci_high: nullableNum });
const BeforeAfterSide = obj({
  customers: nullableNum,
  suppressed: z.boolean(),
  suppression: suppression.optional(),
});
const BeforeAfterRow = obj({
  segment: str,
  before: BeforeAfterSide.nullable(),
  after: BeforeAfterSide.nullable(),
  kpis: z.record(
    z.string(),
    obj({
      before: BeforeAfterCell.nullable(),
      after: BeforeAfterCell.nullable(),
      change: nullableNum,
      relative_change: nullableNum,
      intervals_overlap: z.boolean().nullable(),
      changed: z.boolean(),
    }),
  ),
});
export const BeforeAfter = obj({
  method: z.literal('before-after'),
  scheme: str,
  before: SnapshotRef,
  after: SnapshotRef,
  kpis: z.array(str),
  segments: z.array(BeforeAfterRow),
  base: BeforeAfterRow,
  min_segment_size: num,
  note: str,
});

const CompareGroup = obj({
  pre: nullableNum,
  post: nullableNum,
  change: nullableNum,
  customers: nullableNum,
  suppressed: z.boolean(),
});
export const Compare = obj({
  treated: CompareGroup,
  control: CompareGroup,
  effect: nullableNum,
  ci_low: nullableNum,
  ci_high: nullableNum,
  p_value: nullableNum,
  method: z.literal('difference-in-differences'),
  metric: str,
  metric_description: str,
  windows: obj({
    start: str,
    pre: obj({ from: str, to: str, days: num }),
    post: obj({ from: str, to: str, days: num }),
  }),
  confidence: num,
  parallel_trends: obj({ checked: z.boolean(), ok: z.boolean().nullable(), method: str }),
  verdict: str,
  conclusion: str,
  warnings: z.array(str),
  min_segment_size: num,
});

const ModelPart = obj({
  name: str,
  params: z.record(z.string(), num),
  log_likelihood: nullableNum,
  converged: z.boolean(),
  std_errors: z.record(z.string(), nullableNum).optional(),
});
const ModelReport = obj({
  snapshot_id: nullableNum,
  purchase_model: ModelPart.nullable().optional(),
  spend_model: ModelPart.nullable().optional(),
});
export const Models = obj({
  fit: ModelReport.nullable(),
  validate: ModelReport.extend({
    calibration_end: str.optional(),
    holdout_end: str.optional(),
    holdout: obj({
      actual_repeat_transactions: nullableNum,
      expected_repeat_transactions: nullableNum,
      by_calibration_frequency: z.array(
        obj({ frequency: num, customers: nullableNum, actual_mean: nullableNum, expected_mean: nullableNum }),
      ),
      weekly_cumulative: z.array(obj({ week: num, actual: nullableNum, expected: nullableNum })),
      calibration_weeks: num.optional(),
      errors: z.record(z.string(), nullableNum).optional(),
    }).optional(),
  }).nullable(),
  min_segment_size: num,
});

export const Clusters = obj({
  scheme: str,
  snapshot_id: num,
  as_of: str,
  min_segment_size: num,
  customers: num,
  k: num,
  k_choice: obj({
    mode: z.enum(['auto', 'fixed']),
    chosen: num,
    reason: str,
    elbow_k: nullableNum,
    scores: z.array(obj({ k: num, silhouette: nullableNum, inertiaPerRow: nullableNum })),
  }),
  features: z.array(obj({ name: str, log1p: z.boolean() })),
  clusters: z.array(
    obj({
      id: num,
      name: str,
      status: z.enum(['kept', 'new']),
      customers: nullableNum,
      share: nullableNum,
      drift: nullableNum,
      distinguishing: z.array(obj({ feature: str, std_diff: num, word: str })),
      profile: z.array(
        obj({
          feature: str,
          mean: nullableNum,
          median: nullableNum,
          base_mean: nullableNum,
          base_median: nullableNum,
          std_diff: nullableNum,
        }),
      ),
      kpis: z.record(z.string(), KpiCell),
      flags: z.array(Flag),
      suppressed: z.boolean(),
      suppression: suppression.optional(),
    }),
  ),
  identity: obj({ previous_snapshot_id: nullableNum, previous_as_of: nullableStr }),
});

export const Quality = obj({
  checks: z.array(
    obj({
      id: str,
      table: str,
      column: nullableStr,
      severity: z.enum(['error', 'warning', 'info']),
      count: num,
      message: str,
      examples: z.array(z.record(z.string(), z.unknown())),
    }),
  ),
  summary: obj({ error: num, warning: num, info: num }),
  /** Whether the example rows were left out (the caller may not see customer-level data). */
  examples_hidden: z.boolean(),
});

export const Alerts = obj({
  alerts: z.array(
    obj({
      alert_id: num,
      rule: str,
      scheme: str,
      segment: str,
      kpi: str,
      value: nullableNum,
      previous: nullableNum,
      snapshot_id: num,
      fired_at: str,
      as_of: str,
      condition: str,
      suppressed: z.boolean(),
    }),
  ),
});

export const Recommendations = obj({
  snapshot_id: num,
  as_of: str,
  schemes: z.array(str),
  min_segment_size: num,
  recommendations: z.array(
    obj({
      scheme: str,
      segment: str,
      action: nullableStr,
      label: nullableStr,
      rationale: str,
      value_at_stake: nullableNum,
      budget: nullableNum,
      expected_value: nullableNum,
      roi: nullableNum,
      customers: nullableNum,
      suppressed: z.boolean(),
    }),
  ),
  allocation: obj({
    scheme: str,
    budget: num,
    allocated: num,
    unallocated: num,
    expected_value: num,
    roi: nullableNum,
    why: z.array(str),
  }).nullable(),
  definitions: z.record(z.string(), str),
  notes: z.array(str),
});

const EconomicsGroup = obj({
  group: str,
  customers: nullableNum,
  paid_customers: nullableNum,
  spend: nullableNum,
  cac: nullableNum,
  blended_cac: nullableNum,
  clv: nullableNum,
  clv_cac: nullableNum,
  payback_months: nullableNum,
  suppressed: z.boolean(),
});
export const Economics = obj({
  as_of: str,
  by: z.enum(['channel', 'cohort', 'segment']),
  scheme: nullableStr,
  clv_basis: str,
  min_segment_size: num,
  groups: z.array(EconomicsGroup),
  total: EconomicsGroup,
  definitions: z.record(z.string(), str),
  notes: z.array(str),
});
