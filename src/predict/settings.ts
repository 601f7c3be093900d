import type { Config } from '../config/types.js';

/** The model settings of a config with their defaults filled in (CONTRACT.md, `models:`). */
export interface ModelSettings {
  purchase: 'bgnbd' | 'pareto_nbd';
  spend: 'gamma_gamma';
  timeUnit: 'week' | 'day';
  horizonMonths: number;
  discountRateAnnual: number;
}

/** KPIs that exist only once the models have scored the customers. */
const MODEL_KPIS = new Set(['predicted_clv', 'p_alive', 'revenue_at_risk', 'clv_cac_ratio']);

/** Days per time unit. */
export function unitDays(unit: 'week' | 'day'): number {
  return unit === 'week' ? 7 : 1;
}

/** Average length of a month in days (365.25 / 12), the step of the CLV sum. */
export const MONTH_DAYS = 365.25 / 12;

/** The config's model settings, defaults filled in; `overrides` win (CLI flags). */
export function modelSettings(config: Config, overrides: Partial<ModelSettings> = {}): ModelSettings {
  const m = config.models ?? {};
  return {
    purchase: overrides.purchase ?? m.purchase ?? 'bgnbd',
    spend: overrides.spend ?? m.spend ?? 'gamma_gamma',
    timeUnit: overrides.timeUnit ?? m.time_unit ?? 'week',
    horizonMonths: overrides.horizonMonths ?? m.horizon_months ?? 12,
    discountRateAnnual: overrides.discountRateAnnual ?? m.discount_rate_annual ?? 0.1,
  };
}

/**
 * Whether `segtrack run` fits the models: when the config has a `models:` section, uses a
 * predictive scheme (`value_tiers`, `churn_risk`) or asks for a model KPI in `kpis.include`.
 * Without any of these the run stays model-free and the model KPIs are reported unavailable.
 */
export function modelsWanted(config: Config): boolean {
  if (config.models !== undefined) return true;
  if (config.segments.some((s) => s.type === 'value_tiers' || s.type === 'churn_risk')) return true;
  return (config.kpis?.include ?? []).some((k) => MODEL_KPIS.has(k));
}
