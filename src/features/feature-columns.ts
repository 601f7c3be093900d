/** The logical type of a feature column, as the CLI, rules and exports see it. */
export type FeatureType = 'number' | 'string' | 'boolean' | 'date' | 'timestamp';

/** One column of the feature table. */
export interface FeatureColumn {
  name: string;
  type: FeatureType;
  /** One line: what the column holds, its unit, and when it is NULL. */
  description: string;
}

/** The engagement columns of one event type (its sanitised name). */
export interface EventTypeColumns {
  /** Sanitised type name: `events_<name>_30d`, `events_<name>_90d`. */
  name: string;
  /** The raw `event_type` values counted under this name. */
  raw: string[];
}

const col = (name: string, type: FeatureType, description: string): FeatureColumn => ({
  name,
  type,
  description,
});

/**
 * Every column of the feature table, in table order. `eventTypes` are the per-type engagement
 * columns; `periodDays` is the KPI period P named in the `*_period` descriptions.
 */
export function featureColumns(eventTypes: readonly EventTypeColumns[], periodDays: number): FeatureColumn[] {
  const p = `${periodDays} days`;
  return [
    col('customer_id', 'string', 'Customer identifier.'),
    col(
      'created_at',
      'timestamp',
      'When the customer was created (sign-up or first order); NULL if unknown.',
    ),
    col(
      'first_order_at',
      'timestamp',
      'Time of the first completed order up to the as-of date; NULL without orders.',
    ),
    col(
      'last_order_at',
      'timestamp',
      'Time of the last completed order up to the as-of date; NULL without orders.',
    ),
    col('orders_total', 'number', 'Completed orders up to the as-of date (count).'),
    col('revenue_total', 'number', 'Net revenue of completed orders up to the as-of date (currency).'),
    col(
      'margin_total',
      'number',
      'Revenue − cost of completed orders to date (currency); NULL unless every such order has a cost.',
    ),
    col('orders_30d', 'number', 'Completed orders in the 30 days ending on the as-of date (count).'),
    col('orders_90d', 'number', 'Completed orders in the 90 days ending on the as-of date (count).'),
    col('orders_365d', 'number', 'Completed orders in the 365 days ending on the as-of date (count).'),
    col('revenue_30d', 'number', 'Net revenue of completed orders in the last 30 days (currency).'),
    col('revenue_90d', 'number', 'Net revenue of completed orders in the last 90 days (currency).'),
    col('revenue_365d', 'number', 'Net revenue of completed orders in the last 365 days (currency).'),
    col(
      'margin_365d',
      'number',
      'Revenue − cost of completed orders in the last 365 days (currency); NULL unless all have a cost.',
    ),
    col('orders_prev_365d', 'number', 'Completed orders in the 365 days before the last 365 days (count).'),
    col('revenue_prev_365d', 'number', 'Net revenue in the 365 days before the last 365 days (currency).'),
    col('orders_period', 'number', `Completed orders in the KPI period P, the last ${p} (count).`),
    col(
      'revenue_period',
      'number',
      `Net revenue of completed orders in the KPI period P, the last ${p} (currency).`,
    ),
    col('orders_prev_period', 'number', `Completed orders in the period P−1, the ${p} before P (count).`),
    col('revenue_prev_period', 'number', `Net revenue in the period P−1, the ${p} before P (currency).`),
    col(
      'aov',
      'number',
      'Average order value: revenue_total / orders_total (currency); NULL without orders.',
    ),
    col(
      'recency_days',
      'number',
      'Days from the last completed order to the as-of date; NULL without orders.',
    ),
    col(
      'tenure_days',
      'number',
      'Days from the first completed order (else created_at) to the as-of date; NULL if neither is known.',
    ),
    col(
      'avg_days_between_orders',
      'number',
      'Days from the first to the last completed order / (orders_total − 1); NULL with fewer than 2 orders.',
    ),
    col(
      'frequency',
      'number',
      'BTYD x: repeat purchase days (distinct purchase days − 1; same-day orders are one purchase); NULL without orders.',
    ),
    col(
      't_x_days',
      'number',
      'BTYD recency t_x: days from the first to the last purchase day; NULL without orders.',
    ),
    col(
      'T_days',
      'number',
      'BTYD age T: days from the first purchase day to the as-of date; NULL without orders.',
    ),
    col('t_x_weeks', 'number', 't_x_days / 7 (weeks).'),
    col('T_weeks', 'number', 'T_days / 7 (weeks).'),
    col('t_x', 'number', 'BTYD t_x in the model time unit (weeks by default, or days).'),
    col('T', 'number', 'BTYD T in the model time unit (weeks by default, or days).'),
    col(
      'monetary_mean',
      'number',
      'Mean revenue per repeat purchase day, first purchase day excluded (currency); NULL when frequency = 0.',
    ),
    ...eventTypes.flatMap((t) => [
      col(`events_${t.name}_30d`, 'number', `'${t.raw.join("', '")}' events in the last 30 days (count).`),
      col(`events_${t.name}_90d`, 'number', `'${t.raw.join("', '")}' events in the last 90 days (count).`),
    ]),
    col('events_30d', 'number', 'Events of every type in the last 30 days (count).'),
    col('events_90d', 'number', 'Events of every type in the last 90 days (count).'),
    col('events_365d', 'number', 'Events of every type in the last 365 days (count).'),
    col('visits_365d', 'number', "Events of type 'visit' in the last 365 days (count)."),
    col(
      'engagement_events_365d',
      'number',
      "Events of every type but 'support_ticket' in the last 365 days (count).",
    ),
    col('nps_latest', 'number', 'Latest NPS answer (0–10) up to the as-of date; NULL if none.'),
    col('nps_latest_at', 'timestamp', 'When the latest NPS answer was given; NULL if none.'),
    col('csat_latest', 'number', 'Latest CSAT answer (1–5) up to the as-of date; NULL if none.'),
    col('csat_latest_at', 'timestamp', 'When the latest CSAT answer was given; NULL if none.'),
    col(
      'age',
      'number',
      'Age in whole years at the as-of date from birth_date, else the age column (years).',
    ),
    col(
      'age_band',
      'string',
      "Age band: 'under 18', '18-24', '25-34', '35-44', '45-54', '55-64', '65+' or 'unknown'.",
    ),
    col('gender', 'string', 'Gender as recorded in the customer record.'),
    col('country', 'string', 'Country of the customer record.'),
    col('region', 'string', 'Region or state of the customer record.'),
    col('city', 'string', 'City of the customer record.'),
    col('acquisition_channel', 'string', 'Channel the customer was acquired through.'),
    col('consent_marketing', 'boolean', 'Whether the customer agreed to marketing; NULL if unknown.'),
    col('cohort', 'string', 'YYYY-MM of the first completed order, else of created_at.'),
    col(
      'preferred_channel',
      'string',
      'Order channel with the most completed orders (ties: alphabetical first); NULL without orders.',
    ),
    col(
      'preferred_category',
      'string',
      'Category with the most order lines of completed orders (ties: alphabetical first); NULL without lines.',
    ),
    col('categories_bought', 'number', 'Distinct categories in the order lines of completed orders (count).'),
    col(
      'cac',
      'number',
      "Acquisition cost: the channel's spend in the acquisition month / customers it acquired then (currency); NULL when unknown (no spend, e.g. organic).",
    ),
    col(
      'customer_key',
      'number',
      "The workspace's whole-number key for the customer, stable across runs (snapshot memberships store it).",
    ),
  ];
}
