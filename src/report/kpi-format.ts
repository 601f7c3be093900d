/**
 * KPI values as the report writes them: by each KPI's unit (src/views/format.ts) with the
 * workspace's currency, intervals written compactly, and the words for suppressed figures.
 */
import type { KpiDefinitionView } from '../kpis/definitions.js';
import type { SuppressionReason } from '../privacy/suppression.js';
import { formatKpi, isCurrencyUnit, isShareUnit, kpiLabel } from '../views/format.js';

/** Formatting of one report's KPIs. */
export interface KpiFormat {
  /** The KPI's unit (`value` for a KPI the catalogue does not know). */
  unit(kpi: string): string;
  /** Whether higher values are better. */
  higherIsBetter(kpi: string): boolean;
  /** The KPI's display name. */
  label(kpi: string): string;
  /** A value as its unit reads; `compact` for axes and bar labels. */
  value(kpi: string, v: number | null | undefined, compact?: boolean): string;
  /** An interval as "60.9–71.5" (or "−3.1 to 4.2") in the KPI's unit, or '' without one. */
  interval(kpi: string, low: number | null | undefined, high: number | null | undefined): string;
  /** The unit as an axis title reads: "£", "%", "customers". */
  axisUnit(kpi: string): string;
  currency: string | null;
}

/** The formatting for a report's KPI definitions and currency. */
export function kpiFormat(definitions: readonly KpiDefinitionView[], currency: string | null): KpiFormat {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const unit = (kpi: string) => byName.get(kpi)?.unit ?? 'value';
  return {
    currency,
    unit,
    higherIsBetter: (kpi) => (byName.get(kpi)?.direction ?? 'higher') === 'higher',
    label: kpiLabel,
    value: (kpi, v, compact = false) => formatKpi(v, unit(kpi), currency, { compact }),
    interval: (kpi, low, high) => {
      if (low === null || low === undefined || high === null || high === undefined) return '';
      if (!Number.isFinite(low) || !Number.isFinite(high)) return '';
      // An en dash reads as a minus next to a negative bound: "−12.8 to 52.8" then.
      const sep = low < 0 ? ' to ' : '–';
      return `${formatKpi(low, unit(kpi), currency)}${sep}${formatKpi(high, unit(kpi), currency)}`;
    },
    axisUnit: (kpi) => {
      const u = unit(kpi);
      if (isShareUnit(u)) return '%';
      if (isCurrencyUnit(u)) return currency ? `${currency}${u.includes('/') ? u.slice(8) : ''}` : u;
      return u;
    },
  };
}

/**
 * What a suppressed segment's row says instead of its figures.
 *
 * @example suppressedText('small', 10) // 'suppressed (fewer than 10 customers)'
 */
export function suppressedText(reason: SuppressionReason | undefined, threshold: number): string {
  return reason === 'complementary'
    ? 'suppressed (hidden so that a smaller segment cannot be worked out from the total)'
    : `suppressed (fewer than ${threshold} customers)`;
}
