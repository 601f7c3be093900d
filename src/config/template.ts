/**
 * The commented `segtrack.yaml` that `segtrack init` writes: every section explained, sensible
 * defaults set, the rest shown commented out. The text parses without problems (a test checks it).
 */
import { CANONICAL, CANONICAL_TABLES, type CanonicalTableName } from '../model/canonical.js';
import type { Config } from './types.js';

/** The business objective the template proposes. */
export type Objective = NonNullable<Config['objective']>;

/** Options for {@link initTemplate}. */
export interface InitTemplateOptions {
  /** The objective to set (default: `retention`). */
  objective?: Objective;
  /**
   * Data files already known, by canonical table: a path (or glob) or a list of paths, relative to
   * the directory the config is written to. Default: `data/orders.csv` and `data/customers.csv`.
   */
  sourcesHint?: Partial<Record<CanonicalTableName, string | string[]>>;
}

const OBJECTIVE_NOTES: Record<Objective, string> = {
  growth: 'winning and activating customers: new customers, revenue, conversion, CAC',
  retention: 'keeping customers: retention and churn rates, p_alive, revenue at risk',
  profitability: 'value per customer: historical and predicted CLV, margin, AOV, CLV/CAC',
  satisfaction: 'how customers feel: NPS, CSAT, engagement',
};

/** A YAML scalar for any path: JSON strings are valid double-quoted YAML. */
const scalar = (s: string): string => JSON.stringify(s);

/** A line with a trailing comment aligned at a fixed column. */
const note = (code: string, comment: string): string => `${code.padEnd(40)} # ${comment}`;

function sourceBlock(table: CanonicalTableName, files: string | string[]): string[] {
  const list = Array.isArray(files) ? files : [files];
  const lines = [`  ${table}:`];
  lines.push(
    list.length === 1
      ? note(`    file: ${scalar(list[0]!)}`, 'a path or a glob, relative to this file')
      : note(`    files: [${list.map(scalar).join(', ')}]`, 'paths or globs, relative to this file'),
    note('    # format: csv', 'csv | parquet | json | jsonl; inferred from the extension'),
    '    # options: {delimiter: ",", header: true, null: "NA", types: {SomeColumn: double}}',
    note('    # filter: "SomeColumn IS NOT NULL"', "SQL over the file's columns; dropped rows are counted"),
    note('    # group_by: [SomeColumn]', 'line items -> one row per group (then aggregate below)'),
    note('    # columns:', "canonical column: SQL expression over the file's columns;"),
    note('    #', 'unmapped ones are read from a file column of the same name'),
  );
  for (const c of CANONICAL[table].columns)
    lines.push(note(`    #   ${c.name}: ${c.name}`, `${c.required ? 'required. ' : ''}${c.description}`));
  return lines;
}

/**
 * The text of a commented `segtrack.yaml`.
 *
 * @example await writeFile('segtrack.yaml', initTemplate({ objective: 'growth' }));
 */
export function initTemplate(opts: InitTemplateOptions = {}): string {
  const objective = opts.objective ?? 'retention';
  const hinted = opts.sourcesHint
    ? CANONICAL_TABLES.flatMap((t) => {
        const files = opts.sourcesHint?.[t];
        return files === undefined || (Array.isArray(files) && files.length === 0)
          ? []
          : [[t, files] as const];
      })
    : [];
  const sources: (readonly [CanonicalTableName, string | string[]])[] =
    hinted.length > 0
      ? hinted
      : [
          ['customers', 'data/customers.csv'],
          ['orders', 'data/orders.csv'],
        ];

  const lines: string[] = [
    '# segtrack configuration. Paths are relative to this file.',
    '# Every command reads it and reports each mistake with its line and a hint.',
    '',
    '# The workspace: one DuckDB file holding the ingested data and the snapshot history.',
    'workspace: ./segtrack.duckdb',
    '',
    '# ISO 4217 code of the revenue figures in your data.',
    'currency: USD',
    '',
    '# The date the analysis is "as of" (YYYY-MM-DD). Leave it out to use the latest order date.',
    '# as_of: 2024-12-31',
    '',
    '# What the analysis focuses on; it selects the KPIs shown first and the recommendations made:',
    ...(Object.keys(OBJECTIVE_NOTES) as Objective[]).map((o) => `#   ${o.padEnd(14)}${OBJECTIVE_NOTES[o]}`),
    `objective: ${objective}`,
    '',
    '# Where the data comes from: one entry per canonical table, which are',
    `#   ${CANONICAL_TABLES.join(', ')}.`,
    '# orders is required; customers, events (web analytics, e-mail), marketing_spend (for CAC),',
    '# feedback (NPS/CSAT) and interventions (campaigns to evaluate) add KPIs when present.',
    'sources:',
  ];
  for (const [table, files] of sources) lines.push(...sourceBlock(table, files));

  lines.push(
    '',
    '# Segmentation schemes: each assigns every customer to one segment. Types:',
    '#   rfm          recency/frequency/monetary scores and the usual groups (Champions, At Risk, …)',
    '#   lifecycle    new, active, at risk, lapsed, churned (thresholds in days are optional)',
    '#   value_tiers  tiers of predicted customer lifetime value',
    '#   churn_risk   bands of churn probability from the purchase model',
    '#   rules        your own segments: the first rule whose condition holds wins',
    '#   kmeans       clusters of similar customers on the features you choose',
    '#   dimension    one segment per value of a column (acquisition_channel, country, age with bins)',
    'segments:',
    '  - {name: rfm, type: rfm}',
    '  - name: value',
    '    type: rules',
    note('    rules:', 'conditions over feature columns; first match wins'),
    '      - {segment: VIP, where: "revenue_365d >= 1000 and orders_365d >= 5"}',
    '      - {segment: Regular, where: "orders_365d >= 1"}',
    '      - {segment: Inactive, where: "true"}',
    '  - name: lifecycle',
    '    type: lifecycle',
    '    # thresholds: {new_days: 90, active_days: 90, at_risk_days: 180, lapsed_days: 365}',
    '  - name: tier',
    '    type: value_tiers',
    '    # tiers: [{name: Top, share: 0.1}, {name: Middle, share: 0.4}, {name: Base, share: 0.5}]',
    '  - name: risk',
    '    type: churn_risk',
    '    # bands: [{name: Low, up_to: 0.3}, {name: Medium, up_to: 0.7}, {name: High, up_to: 1}]',
    '  # - {name: clusters, type: kmeans, features: [recency_days, orders_365d, revenue_365d, aov], k: auto}',
    '  # - {name: channel, type: dimension, column: acquisition_channel}',
    '  # - {name: age, type: dimension, column: age, bins: [25, 35, 50, 65]}',
    '',
    '# KPIs computed for every segment. Leave `include` out to get every KPI your data allows.',
    'kpis:',
    '  # include: [customers, revenue, aov, purchase_frequency, retention_rate, predicted_clv]',
    '  custom:                            # your own KPIs: aggregates over feature columns',
    '    - name: vip_share',
    '      expression: "avg(case when revenue_365d >= 1000 then 1 else 0 end)"',
    '      unit: share',
    '      direction: higher              # higher | lower: which way is better',
    '      description: Share of customers who spent 1000 or more in the last year',
    '',
    '# Predictive models for p_alive, expected purchases and predicted CLV.',
    'models:',
    '  purchase: bgnbd                    # bgnbd | pareto_nbd',
    '  spend: gamma_gamma',
    '  time_unit: week                    # week | day',
    '  horizon_months: 12                 # how far ahead predicted CLV looks',
    '  discount_rate_annual: 0.10         # a fraction: 0.10 is 10% a year',
    '',
    '# Personal data and consent.',
    'privacy:',
    '  pii_columns: [email, name, phone]',
    '  pii: hash                          # hash (HMAC-SHA-256 keyed by SEGTRACK_PII_KEY) | drop',
    '  min_segment_size: 10               # smaller segments are suppressed in reports and the API',
    '  require_consent: true              # activation exports leave out customers without consent',
    '  # retain_events_days: 730          # how long events are kept',
    '  # retain_orders_days: 3650         # how long orders are kept',
    '',
    '# Alerts checked after each run: `value`, `previous`, `change` (value − previous), `pct_change`',
    "# (a fraction), `anomaly` (robust z-score against the segment's history) and `customers`.",
    '# notify: console, "jsonl:alerts.jsonl" or a webhook URL (signed with SEGTRACK_WEBHOOK_SECRET).',
    '# Uncomment and adapt; `scheme` must be one of the schemes above.',
    'alerts:',
    '  # - {name: champions-churn, kpi: churn_rate, scheme: rfm, segment: Champions, when: "change > 0.05", notify: [console]}',
    '',
  );
  return lines.join('\n');
}
