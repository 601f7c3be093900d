import type { Config, SchemeConfig } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import type { FeatureInfo } from '../features/build-features.js';

/** What a scheme needs to assign customers: the engine, the feature table and the config. */
export interface SchemeContext {
  engine: Engine;
  features: FeatureInfo;
  config: Config;
  /** Index of the scheme in `config.segments`, for error positions. */
  index: number;
}

/**
 * A scheme's assignment: a query giving every customer of the feature table exactly one segment,
 * the scheme's segments in display order (so that empty ones are shown too), and what the
 * assignment depended on (thresholds, quantile edges…), stored with the snapshot.
 */
export interface SchemeAssignment {
  scheme: string;
  type: SchemeConfig['type'];
  /** `SELECT customer_id, customer_key, segment FROM <features>`: one row per customer. */
  sql: string;
  segments: string[];
  meta: Record<string, unknown>;
}

/** Builds one type of scheme. */
export type SchemeBuilder = (scheme: SchemeConfig, ctx: SchemeContext) => Promise<SchemeAssignment>;
