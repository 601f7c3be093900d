/**
 * The plain sentence that says why a segment got its action, citing the numbers that triggered
 * it. Pure.
 */
import type { Choice, Condition, SegmentProfile, Signal } from './playbook.js';

const pct = (x: number) => `${Math.round(x * 100)} %`;
const signedPct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 100))} %`;
const money = (x: number) =>
  x.toLocaleString('en-GB', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const times = (x: number) => `${x.toLocaleString('en-GB', { maximumFractionDigits: 2 })}×`;
const points = (x: number) => `${x >= 0 ? '' : '−'}${Math.abs(Math.round(x))}`;

/** How a threshold reads for each signal's unit. */
function threshold(s: Signal, v: number): string {
  switch (s) {
    case 'value_index':
    case 'engagement_index':
      return times(v);
    case 'revenue_trend':
    case 'size_trend':
      return signedPct(v);
    case 'nps':
      return points(v);
    case 'customers':
      return String(v);
    default:
      return pct(v);
  }
}

const SYMBOL: Record<Condition['op'], string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

/** One clause: the signal's value in words, with the figures behind it and the rule's threshold. */
export function describeSignal(p: SegmentProfile, s: Signal): string | undefined {
  const v = p.signals[s];
  if (v === null) return undefined;
  const c = p.context;
  switch (s) {
    case 'value_index':
      return (
        `worth ${times(v)} the average customer` +
        (c.clv !== null && c.base_clv !== null ? ` (CLV ${money(c.clv)} vs ${money(c.base_clv)})` : '')
      );
    case 'churn_risk':
      return (
        `churn risk ${pct(v)}` +
        (c.churn_basis === 'p_alive'
          ? ' (1 − P(alive))'
          : c.churn_basis === 'churn_rate'
            ? ' (churn rate)'
            : '') +
        (c.base_churn_risk !== null ? ` vs ${pct(c.base_churn_risk)} overall` : '')
      );
    case 'revenue_trend':
      return `revenue ${signedPct(v)} since ${c.previous_as_of ?? 'the previous snapshot'}`;
    case 'size_trend':
      return `size ${signedPct(v)} since ${c.previous_as_of ?? 'the previous snapshot'}`;
    case 'engagement_index':
      return c.engagement_rate !== null && c.base_engagement_rate !== null
        ? `engagement ${pct(c.engagement_rate)} vs ${pct(c.base_engagement_rate)} overall`
        : `engagement ${times(v)} the base's`;
    case 'nps':
      return `NPS ${points(v)}` + (c.base_nps !== null ? ` vs ${points(c.base_nps)} overall` : '');
    case 'csat':
      return `CSAT ${pct(v)} satisfied`;
    case 'new_share':
      return `${pct(v)} joined in the last ${c.new_days} days`;
    case 'repeat_rate':
      return `${pct(v)} have ordered more than once`;
    case 'customers':
      return `${v} customers`;
  }
}

/**
 * The rationale: the action's label, then the matched conditions as figures with their
 * thresholds. When no rule fired (or the catch-all did), the segment's value and churn risk.
 *
 * @example
 * // "Win-back offer: churn risk 97 % (1 − P(alive)) vs 49 % overall (rule: ≥ 60 %) and worth
 * //  3.07× the average customer (CLV 495.29 vs 161.10) (rule: ≥ 0.5×)."
 */
export function rationale(p: SegmentProfile, choice: Choice, label: string): string {
  // One clause per signal, with every threshold it passed: "churn risk 52 % (rule: < 60 % and ≥ 25 %)".
  const bySignal = new Map<Signal, string[]>();
  for (const m of choice.matched) {
    const rules = bySignal.get(m.signal) ?? [];
    const text = `${SYMBOL[m.op]} ${threshold(m.signal, m.value)}`;
    if (!rules.includes(text)) rules.push(text);
    bySignal.set(m.signal, rules);
  }
  const clauses: string[] = [];
  for (const [signal, rules] of bySignal) {
    const text = describeSignal(p, signal);
    if (text !== undefined) clauses.push(`${text} (rule: ${rules.join(' and ')})`);
  }
  if (clauses.length === 0) {
    const value = describeSignal(p, 'value_index');
    const churn = describeSignal(p, 'churn_risk');
    const facts = [value, churn].filter((x): x is string => x !== undefined);
    const why = choice.rule < 0 ? 'no rule of the playbook matched' : 'the catch-all rule';
    return `${label}: ${why}${facts.length > 0 ? ` — ${join(facts)}` : ''}.`;
  }
  return `${label}: ${join(clauses)}.`;
}

function join(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]!}`;
}
