import type { LogicalType } from '../dialect/dialect.js';

/** The names of the canonical tables every source is mapped to (DESIGN.md). */
export const CANONICAL_TABLES = [
  'customers',
  'orders',
  'order_items',
  'events',
  'marketing_spend',
  'feedback',
  'interventions',
] as const;
export type CanonicalTableName = (typeof CANONICAL_TABLES)[number];

/** How ingestion checks a column's values beyond its type. */
export type ColumnCheck =
  /** Not after the moment of ingestion. */
  | { kind: 'not_future' }
  /** Inside [min, max]. */
  | { kind: 'range'; min: number; max: number; reason: string }
  /** Not negative (revenue: only on completed sales). */
  | { kind: 'non_negative'; reason: string; onlyWhenCompleted?: boolean }
  /** One of a fixed set of values (after lower-casing and trimming). */
  | { kind: 'one_of'; values: readonly string[] };

/** One column of a canonical table. */
export interface CanonicalColumn {
  name: string;
  type: LogicalType;
  required?: boolean;
  /** Personal data: pseudonymised or dropped according to the privacy settings. */
  pii?: boolean;
  checks?: ColumnCheck[];
  description: string;
}

/** A canonical table: its columns, its key, and how its rows are checked. */
export interface CanonicalTable {
  name: CanonicalTableName;
  description: string;
  columns: CanonicalColumn[];
  /** Columns that identify a row; a second row with the same key is rejected as `duplicate_key`. */
  primaryKey?: string[];
  /** The column that dates a row (freshness, retention, as-of filtering). */
  dateColumn?: string;
}

const notFuture: ColumnCheck = { kind: 'not_future' };

/** Order statuses; a missing status means `completed`. */
export const ORDER_STATUSES = ['completed', 'cancelled', 'refunded'] as const;

/** The canonical tables, in the order they are ingested (customers first, so orders can refer to them). */
export const CANONICAL: Record<CanonicalTableName, CanonicalTable> = {
  customers: {
    name: 'customers',
    description: 'One row per customer: demographics, acquisition and consent.',
    primaryKey: ['customer_id'],
    dateColumn: 'created_at',
    columns: [
      { name: 'customer_id', type: 'string', required: true, description: 'Stable customer identifier.' },
      {
        name: 'created_at',
        type: 'timestamp',
        checks: [notFuture],
        description: 'When the customer was created (sign-up or first order).',
      },
      { name: 'birth_date', type: 'date', checks: [notFuture], description: 'Date of birth.' },
      {
        name: 'age',
        type: 'integer',
        checks: [{ kind: 'range', min: 0, max: 120, reason: 'age_out_of_range' }],
        description: 'Age in years, when no birth date is known.',
      },
      { name: 'gender', type: 'string', description: 'Gender as recorded by the source.' },
      { name: 'country', type: 'string', description: 'Country.' },
      { name: 'region', type: 'string', description: 'Region or state.' },
      { name: 'city', type: 'string', description: 'City.' },
      {
        name: 'acquisition_channel',
        type: 'string',
        description: 'Channel through which the customer was acquired.',
      },
      {
        name: 'consent_marketing',
        type: 'boolean',
        description: 'Whether the customer agreed to marketing (NULL: unknown).',
      },
      { name: 'email', type: 'string', pii: true, description: 'E-mail address (personal data).' },
      { name: 'name', type: 'string', pii: true, description: 'Full name (personal data).' },
      { name: 'phone', type: 'string', pii: true, description: 'Phone number (personal data).' },
      { name: 'attributes', type: 'json', description: 'Any extra attributes, as a JSON object.' },
    ],
  },
  orders: {
    name: 'orders',
    description: 'One row per order (net of line-level discounts).',
    primaryKey: ['order_id'],
    dateColumn: 'ordered_at',
    columns: [
      { name: 'order_id', type: 'string', required: true, description: 'Order identifier.' },
      { name: 'customer_id', type: 'string', required: true, description: 'Who ordered.' },
      {
        name: 'ordered_at',
        type: 'timestamp',
        required: true,
        checks: [notFuture],
        description: 'When the order was placed.',
      },
      {
        name: 'revenue',
        type: 'double',
        required: true,
        checks: [{ kind: 'non_negative', reason: 'negative_revenue', onlyWhenCompleted: true }],
        description: 'Net revenue; at least 0 for a completed sale.',
      },
      {
        name: 'cost',
        type: 'double',
        checks: [{ kind: 'non_negative', reason: 'negative_cost' }],
        description: 'Cost of goods, when known (margin = revenue − cost).',
      },
      { name: 'currency', type: 'string', description: 'ISO currency code.' },
      { name: 'items', type: 'integer', description: 'Number of items.' },
      {
        name: 'status',
        type: 'string',
        checks: [{ kind: 'one_of', values: ORDER_STATUSES }],
        description: 'completed (default), cancelled or refunded.',
      },
      { name: 'channel', type: 'string', description: 'Order channel (web, app, store…).' },
    ],
  },
  order_items: {
    name: 'order_items',
    description: 'Optional order lines: products and categories.',
    columns: [
      { name: 'order_id', type: 'string', required: true, description: 'The order this line belongs to.' },
      { name: 'product_id', type: 'string', description: 'Product identifier.' },
      { name: 'category', type: 'string', description: 'Product category.' },
      { name: 'quantity', type: 'double', description: 'Quantity.' },
      { name: 'price', type: 'double', description: 'Unit price.' },
    ],
  },
  events: {
    name: 'events',
    description: 'Behavioural events from web analytics and marketing automation.',
    dateColumn: 'occurred_at',
    columns: [
      { name: 'customer_id', type: 'string', required: true, description: 'Who.' },
      { name: 'occurred_at', type: 'timestamp', required: true, checks: [notFuture], description: 'When.' },
      {
        name: 'event_type',
        type: 'string',
        required: true,
        description: 'visit, product_view, add_to_cart, email_open, email_click, login, support_ticket, …',
      },
      { name: 'properties', type: 'json', description: 'Event properties, as a JSON object.' },
    ],
  },
  marketing_spend: {
    name: 'marketing_spend',
    description: 'Marketing spend per channel (and campaign) and period.',
    primaryKey: ['period_start', 'channel', 'campaign'],
    dateColumn: 'period_start',
    columns: [
      { name: 'period_start', type: 'date', required: true, description: 'First day of the period.' },
      { name: 'period_end', type: 'date', required: true, description: 'Last day of the period.' },
      { name: 'channel', type: 'string', required: true, description: 'Acquisition channel.' },
      { name: 'campaign', type: 'string', description: 'Campaign, when spend is broken down further.' },
      {
        name: 'spend',
        type: 'double',
        required: true,
        checks: [{ kind: 'non_negative', reason: 'negative_spend' }],
        description: 'Amount spent.',
      },
    ],
  },
  feedback: {
    name: 'feedback',
    description: 'Survey responses: NPS (0–10) and CSAT (1–5).',
    dateColumn: 'responded_at',
    columns: [
      { name: 'customer_id', type: 'string', required: true, description: 'Who answered.' },
      { name: 'responded_at', type: 'timestamp', required: true, checks: [notFuture], description: 'When.' },
      {
        name: 'nps_score',
        type: 'integer',
        checks: [{ kind: 'range', min: 0, max: 10, reason: 'score_out_of_range' }],
        description: 'Likelihood to recommend, 0–10.',
      },
      {
        name: 'csat_score',
        type: 'integer',
        checks: [{ kind: 'range', min: 1, max: 5, reason: 'score_out_of_range' }],
        description: 'Satisfaction, 1–5.',
      },
    ],
  },
  interventions: {
    name: 'interventions',
    description: 'Marketing actions to evaluate: who was treated, who is the control, when.',
    primaryKey: ['name'],
    dateColumn: 'started_at',
    columns: [
      { name: 'name', type: 'string', required: true, description: 'Name of the intervention.' },
      { name: 'started_at', type: 'timestamp', required: true, description: 'Start.' },
      { name: 'ended_at', type: 'timestamp', description: 'End (open-ended when empty).' },
      { name: 'treated_segment', type: 'string', description: 'Treated segment as scheme/segment.' },
      { name: 'control_segment', type: 'string', description: 'Control segment as scheme/segment.' },
      { name: 'cost', type: 'double', description: 'Total cost of the action.' },
      { name: 'description', type: 'string', description: 'What was done.' },
    ],
  },
};

/** The column definition, or undefined. */
export function canonicalColumn(table: CanonicalTableName, column: string): CanonicalColumn | undefined {
  return CANONICAL[table].columns.find((c) => c.name === column);
}

/** Names of the columns of a canonical table. */
export function columnNames(table: CanonicalTableName): string[] {
  return CANONICAL[table].columns.map((c) => c.name);
}
