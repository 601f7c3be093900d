/**
 * How numbers are written on every surface that shows KPIs (dashboard, HTML report): by the KPI's
 * unit, in British English, with the workspace's currency. Pure: no I/O, usable in the browser.
 */

const CURRENCY_SYMBOLS: Record<string, string> = { GBP: '£', USD: '$', EUR: '€', JPY: '¥' };

/** The currency's symbol, or its code followed by a space. */
export function currencyPrefix(currency: string | null | undefined): string {
  if (!currency) return '';
  return CURRENCY_SYMBOLS[currency] ?? `${currency} `;
}

/** A plain number with thousands separators and `digits` decimals (fewer for large values). */
export function formatNumber(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  // A true minus sign, as the changes and currency amounts write it.
  return v
    .toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    .replace(/^-/, '−');
}

/** A compact number for axes and cards: 1.2k, 3.4M. */
export function formatCompact(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(a >= 1e10 ? 0 : 1)}bn`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(a >= 1e7 ? 0 : 1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(a >= 1e5 ? 0 : 1)}k`;
  if (a >= 100 || Number.isInteger(v)) return formatNumber(v, 0);
  return formatNumber(v, a >= 10 ? 1 : 2);
}

/** A share (0–1) as a percentage. */
export function formatPercent(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${(v * 100).toFixed(digits).replace(/^-/, '−')}%`;
}

/** Units whose values are shares of 1. */
const SHARE_UNITS = new Set(['share', 'probability', 'rate', 'proportion']);

/** Whether a KPI of this unit is a share of 1 (shown as a percentage). */
export function isShareUnit(unit: string): boolean {
  return SHARE_UNITS.has(unit);
}

/** Whether a KPI of this unit is money. */
export function isCurrencyUnit(unit: string): boolean {
  return unit === 'currency' || unit.startsWith('currency/');
}

/**
 * A KPI value as its unit reads: currency with its symbol, shares as percentages, counts whole,
 * NPS in points, ratios with two decimals.
 *
 * @example formatKpi(1234.5, 'currency', 'GBP') // '£1,235'
 */
export function formatKpi(
  v: number | null | undefined,
  unit: string,
  currency?: string | null,
  o: { compact?: boolean } = {},
): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (isShareUnit(unit)) return formatPercent(v);
  if (isCurrencyUnit(unit)) {
    const sign = v < 0 ? '−' : '';
    const a = Math.abs(v);
    const body = o.compact ? formatCompact(a) : formatNumber(a, a < 100 ? 2 : 0);
    return `${sign}${currencyPrefix(currency)}${body}`;
  }
  if (unit === 'customers' || unit === 'orders' || unit === 'count')
    return o.compact ? formatCompact(v) : formatNumber(v);
  if (unit === 'points') return formatNumber(v, 1);
  if (unit === 'ratio' || unit === 'orders/customer') return formatNumber(v, 2);
  return o.compact ? formatCompact(v) : formatNumber(v, Math.abs(v) < 10 ? 2 : Math.abs(v) < 1000 ? 1 : 0);
}

/** A change between two values of a KPI: "+£120", "−2.1 pts" for shares, "+3.4%" relative. */
export function formatChange(
  change: number | null | undefined,
  unit: string,
  currency?: string | null,
): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return '—';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  if (isShareUnit(unit)) return `${sign}${(Math.abs(change) * 100).toFixed(1)} pts`;
  return `${sign}${formatKpi(Math.abs(change), unit, currency)}`;
}

/** A relative change as a signed percentage. */
export function formatRelative(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  return `${sign}${Math.abs(v * 100).toFixed(1)}%`;
}

/** A KPI's name as a label: `purchase_frequency` → `Purchase frequency`, with the usual acronyms. */
export function kpiLabel(name: string): string {
  const special: Record<string, string> = {
    aov: 'AOV',
    nps: 'NPS',
    csat: 'CSAT',
    cac: 'CAC',
    clv_cac_ratio: 'CLV : CAC',
    historical_clv: 'Historical CLV',
    predicted_clv: 'Predicted CLV',
    p_alive: 'P(alive)',
  };
  if (special[name]) return special[name];
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
