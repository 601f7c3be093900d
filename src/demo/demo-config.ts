/**
 * The demo's schemes, one of each kind a run computes (RFM, lifecycle, a dimension, rules); the
 * benchmark runs the same.
 */
export const DEMO_SEGMENTS = `segments:
  - {name: rfm, type: rfm}
  - {name: lifecycle, type: lifecycle}
  - {name: channel, type: dimension, column: acquisition_channel}
  - name: value
    type: rules
    rules:
      - {segment: VIP, where: "revenue_365d >= 1000 and orders_365d >= 5"}
      - {segment: Active, where: "orders_365d >= 1"}
      - {segment: Other, where: "true"}
`;

/**
 * The config `segtrack demo` writes next to the sample data it generates (also committed as
 * examples/demo/segtrack.yaml). The generated files already use the canonical column names, so
 * the sources need no column mapping.
 */
export function demoConfigText(format: 'csv' | 'parquet' = 'csv'): string {
  const ext = format === 'parquet' ? 'parquet' : 'csv';
  return `# segtrack demo: generated sample data (see \`segtrack generate --help\`).
# Every path is relative to this file's folder.
workspace: ./segtrack.duckdb
currency: GBP
# No objective: the demo stores the whole KPI catalogue, so every page of the dashboard has data.
sources:
  customers: {file: data/customers.${ext}}
  orders: {file: data/orders.${ext}}
  order_items: {file: data/order_items.${ext}}
  events: {file: data/events.${ext}}
  marketing_spend: {file: data/marketing_spend.${ext}}
  feedback: {file: data/feedback.${ext}}
${DEMO_SEGMENTS}  - {name: clusters, type: kmeans, features: [recency_days, orders_365d, revenue_365d, aov], k: auto}
  - {name: tier, type: value_tiers}
  - {name: churn, type: churn_risk}
models:
  purchase: bgnbd
  spend: gamma_gamma
  time_unit: week
  horizon_months: 12
  discount_rate_annual: 0.10
privacy:
  min_segment_size: 10
  require_consent: true
`;
}
