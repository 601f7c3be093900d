/**
 * Why a budget was split the way it was, in plain sentences, and the budget beyond which spend
 * earns less than it costs. Pure.
 */
import type { Allocation, AllocationTarget } from './allocate-budget.js';
import { marginalValue } from './response-curve.js';

/** The fields of a recommendation the explanation quotes. */
interface Named {
  segment: string;
  label: string | null;
  action: string | null;
  suppressed: boolean;
  scheme: string;
}

const amount = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 0 });
const rate = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

/**
 * The budget that maximises expected value − spend: every segment is funded until its next unit
 * returns exactly one unit, x_s = scale_s × ln(vMax_s / scale_s) where vMax_s / scale_s > 1 (the
 * first unit returns more than it costs), else 0.
 */
export function profitMaximisingBudget(targets: readonly AllocationTarget[]): number {
  let total = 0;
  for (const t of targets) {
    const first = marginalValue(t.curve, 0);
    if (first > 1) total += t.curve.scale * Math.log(first);
  }
  return total;
}

/** The sentences of `allocation.why`. */
export function allocationExplanation(
  a: Allocation,
  targets: readonly AllocationTarget[],
  recommendations: readonly Named[],
  currency?: string,
): string[] {
  const unit = currency ? ` ${currency}` : '';
  const lines: string[] = [];
  if (targets.length === 0 || a.allocated === 0) {
    lines.push('No segment has an action whose expected value grows with spend, so nothing was allocated.');
    return lines;
  }
  lines.push(
    `The budget was handed out in steps of ${rate(a.step)}${unit}, each to the segment where it added the most ` +
      'expected value. Every response curve is concave (each further unit earns less), so this greedy ' +
      'marginal allocation is the best split (Fox 1966).',
  );
  const label = (id: string) => {
    const r = recommendations.find((x) => x.segment === id);
    return `${id} (${(r?.label ?? r?.action ?? 'no action').toLowerCase()})`;
  };
  const funded = a.segments.filter((s) => s.amount > 0).sort((x, y) => y.amount - x.amount);
  for (const s of funded)
    lines.push(
      `${label(s.id)}: ${amount(s.amount)}${unit} → expected ${amount(s.expected_value)}${unit}` +
        ` (ROI ${s.roi === null ? '—' : `${s.roi >= 0 ? '+' : '−'}${Math.abs(Math.round(s.roi * 100))} %`}); ` +
        `its first unit returns ${rate(s.first_marginal_value)}, the next one ${rate(s.marginal_value)}.`,
    );
  const margin = Math.min(...funded.map((s) => s.marginal_value));
  const left = a.segments.filter((s) => s.amount === 0);
  lines.push(
    `At this split the next unit returns about ${rate(margin)} wherever money went` +
      (left.length > 0
        ? `; ${left.map((s) => `${s.id} (first unit ${rate(s.first_marginal_value)})`).join(', ')} would return less, so got nothing.`
        : '.'),
  );
  const noAction = recommendations
    .filter((r) => !r.suppressed && r.action === 'no_action')
    .map((r) => r.segment);
  if (noAction.length > 0) lines.push(`Not considered (no action recommended): ${noAction.join(', ')}.`);
  const best = profitMaximisingBudget(targets);
  if (margin < 1)
    lines.push(
      `The last units return less than they cost (${rate(margin)} per unit): a budget of about ${amount(best)}${unit} ` +
        'would maximise expected value minus spend.',
    );
  else
    lines.push(
      `Every unit still returns at least ${rate(margin)}: spending more would still pay, up to about ${amount(best)}${unit}.`,
    );
  return lines;
}
