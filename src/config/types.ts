import type { CanonicalTableName } from '../model/canonical.js';

/**
 * The validated contents of `segtrack.yaml` (CONTRACT.md, "Configuration file"). Produced by
 * `loadConfig`; every stage reads its settings from here.
 */
export interface Config {
  /** Absolute path of the config file ('' when built in memory). */
  path: string;
  /** Directory that relative paths in the config are resolved against. */
  baseDir: string;
  /** Workspace file (absolute), or undefined for the default `./segtrack.duckdb`. */
  workspace?: string;
  /** ISO currency code of revenue figures. */
  currency?: string;
  /** The as-of date (YYYY-MM-DD); default: the latest order date. */
  as_of?: string;
  /** Business objective that selects a focused KPI set. */
  objective?: 'growth' | 'retention' | 'profitability' | 'satisfaction';
  sources: Partial<Record<CanonicalTableName, SourceConfig>>;
  segments: SchemeConfig[];
  kpis?: KpiConfig;
  models?: ModelsConfig;
  privacy?: PrivacyConfig;
  alerts?: AlertConfig[];
  /** The raw parsed document, for stages that read settings added after this type. */
  raw: Record<string, unknown>;
  /**
   * Where each entry was written in the config file, keyed by dotted path
   * (`segments.1.rules.0.where`, `alerts.0.when`, `kpis.custom.0.expression`): the value's line
   * and column for a scalar, the key's for a mapping or list. Absent when built in memory.
   */
  positions?: Record<string, { line: number; column: number }>;
}

/** File formats ingestion reads. */
export type SourceFormat = 'csv' | 'parquet' | 'json' | 'jsonl';

/** How one canonical table is loaded from files. */
export interface SourceConfig {
  /** Absolute file paths or glob patterns, in the order given. */
  files: string[];
  /** Format; inferred from the extension when absent. */
  format?: SourceFormat;
  options?: SourceOptions;
  /** SQL condition over source columns; rows where it is not true are excluded (and counted). */
  filter?: string;
  /** Source columns to group line items by (one canonical row per group). */
  group_by?: string[];
  /** Canonical column → SQL expression over source columns. Unmapped canonical columns are taken
   * from a source column of the same name when there is one. */
  columns?: Record<string, string>;
  /** Where each part was written in the config file, for error messages. */
  positions?: Record<string, { line: number; column: number }>;
}

/** Reader options for a source. */
export interface SourceOptions {
  delimiter?: string;
  header?: boolean;
  quote?: string;
  escape?: string;
  null?: string;
  /** Character encoding of a CSV file (default utf-8). */
  encoding?: 'utf-8' | 'latin-1' | 'utf-16';
  /** Force a type for source columns: `{Quantity: double}`; values that do not fit are rejected. */
  types?: Record<string, 'string' | 'integer' | 'double' | 'boolean' | 'date' | 'timestamp'>;
}

/** A segmentation scheme. Fields beyond `name` and `type` depend on the type. */
export interface SchemeConfig {
  name: string;
  type: 'rules' | 'rfm' | 'kmeans' | 'lifecycle' | 'value_tiers' | 'churn_risk' | 'dimension';
  [setting: string]: unknown;
}

export interface KpiConfig {
  include?: string[];
  custom?: {
    name: string;
    expression: string;
    unit?: string;
    direction?: 'higher' | 'lower';
    description?: string;
  }[];
}

export interface ModelsConfig {
  purchase?: 'bgnbd' | 'pareto_nbd';
  spend?: 'gamma_gamma';
  time_unit?: 'week' | 'day';
  horizon_months?: number;
  discount_rate_annual?: number;
}

export interface PrivacyConfig {
  pii_columns?: string[];
  pii?: 'hash' | 'drop';
  min_segment_size?: number;
  require_consent?: boolean;
  /** Activation exports leave out customers whose consent is unknown (`exclude`, the default) or keep them. */
  unknown_consent?: 'exclude' | 'include';
  retain_events_days?: number;
  retain_orders_days?: number;
}

export interface AlertConfig {
  name: string;
  kpi: string;
  scheme?: string;
  segment?: string;
  when: string;
  notify?: string[];
}
