/**
 * Business objectives (`objective:` in the config) and the focused KPI set each one selects when
 * `kpis.include` is absent, with a primary KPI: the one number a surface leads with (rank by it,
 * headline it). Each objective lists fallbacks for its primary KPI, because the natural primary
 * KPI may need data a workspace does not have yet (models, marketing spend, surveys).
 */
import type { Config } from '../config/types.js';
import { type Problem, UserError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { KPI_NAMES } from './catalogue.js';
import type { KpiTable } from './types.js';

/** The objectives the config may name. */
export type Objective = NonNullable<Config['objective']>;

/** What an objective selects. */
export interface ObjectiveKpis {
  kpis: readonly string[];
  /** The primary KPI first, then fallbacks in order of preference. */
  primary: readonly string[];
  /** Why these, in one line (shown in docs and `segtrack kpis`). */
  why: string;
}

/**
 * The objectives. `customers` and `share` are in every set: every reading of a segment starts
 * from how big it is.
 *
 * - growth → primary `revenue`: growth is more revenue in the period; the set shows where it
 *   comes from (more buyers: conversion, purchase frequency, repeat purchases; bigger baskets:
 *   aov) and what it costs (cac, clv_cac_ratio).
 * - retention → primary `retention_rate`: the share of last period's buyers who bought again is
 *   the direct, model-free measure; churn, p_alive and revenue_at_risk show the same from the
 *   model side, engagement is the early warning.
 * - profitability → primary `clv_cac_ratio` (value per unit of acquisition cost), falling back to
 *   `predicted_clv`, then `historical_clv` when models or spend are missing.
 * - satisfaction → primary `nps`, falling back to `csat` where only CSAT is collected.
 */
export const OBJECTIVES: Record<Objective, ObjectiveKpis> = {
  growth: {
    kpis: [
      'customers',
      'share',
      'revenue',
      'orders',
      'aov',
      'purchase_frequency',
      'repeat_rate',
      'conversion_rate',
      'cac',
      'clv_cac_ratio',
    ],
    primary: ['revenue'],
    why: 'growth is more revenue; the set shows whether it comes from more buyers, more orders or bigger baskets, and at what acquisition cost',
  },
  retention: {
    kpis: [
      'customers',
      'share',
      'retention_rate',
      'churn_rate',
      'repeat_rate',
      'purchase_frequency',
      'p_alive',
      'revenue_at_risk',
      'engagement_rate',
    ],
    primary: ['retention_rate'],
    why: "the share of last period's buyers who bought again is the direct, model-free measure of retention",
  },
  profitability: {
    kpis: [
      'customers',
      'share',
      'revenue',
      'aov',
      'historical_clv',
      'predicted_clv',
      'cac',
      'clv_cac_ratio',
      'revenue_at_risk',
    ],
    primary: ['clv_cac_ratio', 'predicted_clv', 'historical_clv'],
    why: 'a segment is profitable when the value of its customers exceeds what they cost to acquire',
  },
  satisfaction: {
    kpis: ['customers', 'share', 'nps', 'csat', 'engagement_rate', 'retention_rate', 'repeat_rate'],
    primary: ['nps', 'csat'],
    why: 'NPS is the standard loyalty measure; CSAT where only satisfaction surveys are collected',
  },
};

/** The KPI selection a config asks for. */
export interface KpiSelection {
  /** Catalogue KPI names (and custom names the include list places), in order. */
  kpis: string[];
  /** Candidates for the primary KPI, best first (see {@link choosePrimary}). */
  primary: string[];
  /** Where the list came from. */
  source: 'include' | 'objective' | 'default';
}

/**
 * The KPIs to compute for a config: `kpis.include` when given (checked against the catalogue and
 * the custom KPIs), else the objective's set, else the whole catalogue. Custom KPIs are always
 * computed ({@link computeKpis} appends those the list does not name).
 */
export function resolveKpiSelection(config: Pick<Config, 'objective' | 'kpis'>): KpiSelection {
  const objective = config.objective ? OBJECTIVES[config.objective] : undefined;
  const include = config.kpis?.include;
  if (include !== undefined) {
    const custom = (config.kpis?.custom ?? []).map((c) => c.name);
    const known = [...KPI_NAMES, ...custom];
    const problems: Problem[] = include
      .filter((k) => !known.includes(k))
      .map((k) => ({
        code: 'kpi_unknown',
        message: `unknown KPI '${k}' in kpis.include`,
        hint: didYouMean(k, known),
      }));
    if (problems.length > 0) throw new UserError(problems);
    const primary = (objective?.primary ?? []).filter((p) => include.includes(p));
    return {
      kpis: [...new Set(include)],
      primary: primary.length > 0 ? primary : include.slice(0, 1),
      source: 'include',
    };
  }
  if (objective) return { kpis: [...objective.kpis], primary: [...objective.primary], source: 'objective' };
  return { kpis: [...KPI_NAMES], primary: ['revenue'], source: 'default' };
}

/** The first primary candidate the table has a value for in the base, else the first candidate. */
export function choosePrimary(candidates: readonly string[], table: KpiTable): string | undefined {
  return candidates.find((k) => table.base.kpis[k]?.available === true) ?? candidates[0];
}
