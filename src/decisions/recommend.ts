/**
 * `recommend`: an action per segment from the playbook, its value at stake, and — given a
 * budget — the allocation of the budget across the segments of one scheme (CONTEXT.md).
 */
import type { Config } from '../config/types.js';
import { userError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { minSegmentSizeOf } from '../privacy/threshold.js';
import { suppressedReason } from '../privacy/suppress-segments.js';
import type { SuppressionReason } from '../privacy/suppression.js';
import { requireScheme, resolveSnapshot } from '../snapshot/read.js';
import type { ActionAssumptions } from './actions.js';
import { NO_ACTION } from './actions.js';
import { allocateBudget, type Allocation } from './allocate-budget.js';
import { allocationExplanation, profitMaximisingBudget } from './allocation-explanation.js';
import { chooseAction, type Signal } from './playbook.js';
import { rationale } from './rationale.js';
import { recommendSettings } from './recommend-settings.js';
import { responseCurve } from './response-curve.js';
import { loadProfiles } from './segment-profiles.js';
import { STAKE_DEFINITIONS, type StakeMeasure, valueAtStake } from './value-at-stake.js';

/** Money as printed: to the cent (the figures are estimates; more digits would be noise). */
function cents(x: number): number;
function cents(x: number | null): number | null;
function cents(x: number | null): number | null {
  return x === null ? null : Math.round(x * 100) / 100;
}

/** Settings of {@link recommend}. */
export interface RecommendOptions {
  /** One scheme; default every scheme of the snapshot (with a budget: the first). */
  scheme?: string;
  /** Budget to allocate (currency). */
  budget?: number;
  snapshotId?: number;
}

/** One recommendation (CONTRACT.md, `segtrack recommend`). */
export interface Recommendation {
  scheme: string;
  segment: string;
  /** An action name (`win_back`…); null for a suppressed segment. */
  action: string | null;
  /** The action's label (`Win-back offer`). */
  label: string | null;
  rationale: string;
  /** Currency; null when unknown or suppressed. */
  value_at_stake: number | null;
  value_at_stake_basis: StakeMeasure | null;
  /** Budget allocated; null without --budget (or outside the budget's scheme). */
  budget: number | null;
  /** Expected incremental value of that budget; null without a budget. */
  expected_value: number | null;
  /** (expected_value − budget) / budget; null when nothing is allocated. */
  roi: number | null;
  /** Value of the next unit of currency on this segment after its allocation. */
  marginal_value: number | null;
  customers: number | null;
  suppressed: boolean;
  suppression?: SuppressionReason;
  /** The profile the playbook read (absent when suppressed). */
  signals?: Record<Signal, number | null>;
}

/** The budget allocation part of the result. */
export interface BudgetAllocation {
  scheme: string;
  budget: number;
  allocated: number;
  unallocated: number;
  expected_value: number;
  roi: number | null;
  step: number;
  /** Value of the next unit of currency at the optimum (equal across funded segments). */
  marginal_value: number | null;
  /** The budget at which the last unit returns exactly one unit: beyond it spend earns less than it costs. */
  profit_maximising_budget: number;
  /** Plain sentences: how the budget was split, and why. */
  why: string[];
}

/** What `segtrack recommend` reports. */
export interface RecommendResult {
  snapshot_id: number;
  as_of: string;
  previous_snapshot_id: number | null;
  previous_as_of: string | null;
  schemes: string[];
  min_segment_size: number;
  playbook: 'default' | 'config';
  recommendations: Recommendation[];
  allocation: BudgetAllocation | null;
  /** The response assumptions of the actions recommended. */
  assumptions: Record<string, ActionAssumptions>;
  definitions: Record<string, string>;
  notes: string[];
}

/**
 * Recommends an action per segment of the latest snapshot (or `snapshotId`) and, with a budget,
 * allocates it.
 *
 * @example
 * const r = await recommend(engine, config, { scheme: 'rfm', budget: 10_000 });
 * r.recommendations.find((x) => x.segment === 'At Risk'); // {action: 'win_back', budget: 2310, …}
 */
export async function recommend(
  engine: Engine,
  config: Config | undefined,
  o: RecommendOptions = {},
): Promise<RecommendResult> {
  if (o.budget !== undefined && !(Number.isFinite(o.budget) && o.budget >= 0))
    throw userError('bad_flag', `--budget must be a number ≥ 0, not ${String(o.budget)}`);
  const settings = recommendSettings(config);
  const minSegmentSize = minSegmentSizeOf(config);
  const snapshot = await resolveSnapshot(engine, o.snapshotId);
  const notes: string[] = [];
  let schemes: string[];
  if (o.scheme !== undefined) {
    requireScheme(snapshot, o.scheme);
    schemes = [o.scheme];
  } else if (o.budget !== undefined) {
    if (snapshot.schemes.length === 0)
      throw userError('no_schemes', `snapshot ${snapshot.snapshot_id} has no schemes`);
    schemes = [snapshot.schemes[0]!];
    notes.push(
      `the budget is allocated across the segments of one scheme (a customer is in one segment per scheme): ` +
        `'${schemes[0]!}', the first; choose another with --scheme`,
    );
  } else schemes = [...snapshot.schemes];

  const loaded = await loadProfiles(engine, {
    snapshot,
    schemes,
    minSegmentSize,
    newDays: settings.newDays,
    minResponses: settings.minResponses,
  });
  notes.push(...loaded.notes);
  if (loaded.computed.length > 0)
    notes.push(
      `${loaded.computed.join(', ')}: not stored in snapshot ${snapshot.snapshot_id} (its KPI selection), ` +
        'computed over its members from the feature table',
    );
  if (loaded.previous === null)
    notes.push('no earlier snapshot: trends (revenue_trend, size_trend) are unknown');

  const recommendations: Recommendation[] = loaded.segments.map((f, i) => {
    if (f.suppression !== null)
      return {
        scheme: f.scheme,
        segment: f.segment,
        action: null,
        label: null,
        rationale: suppressedReason(f.suppression, minSegmentSize),
        value_at_stake: null,
        value_at_stake_basis: null,
        budget: null,
        expected_value: null,
        roi: null,
        marginal_value: null,
        customers: null,
        suppressed: true,
        suppression: f.suppression,
      };
    const profile = loaded.profiles[i]!;
    if (f.customers === 0)
      return {
        scheme: f.scheme,
        segment: f.segment,
        action: NO_ACTION,
        label: settings.actions[NO_ACTION]!.label,
        rationale: `${settings.actions[NO_ACTION]!.label}: the segment is empty.`,
        value_at_stake: 0,
        value_at_stake_basis: null,
        budget: null,
        expected_value: null,
        roi: null,
        marginal_value: null,
        customers: 0,
        suppressed: false,
        signals: profile.signals,
      };
    const choice = chooseAction(profile, settings.playbook);
    const a = settings.actions[choice.action]!;
    const stake = valueAtStake(f, a.basis);
    return {
      scheme: f.scheme,
      segment: f.segment,
      action: choice.action,
      label: a.label,
      rationale: rationale(profile, choice, a.label),
      value_at_stake: cents(stake.value),
      value_at_stake_basis: stake.measure,
      budget: null,
      expected_value: null,
      roi: null,
      marginal_value: null,
      customers: f.customers,
      suppressed: false,
      signals: profile.signals,
    };
  });

  let allocation: BudgetAllocation | null = null;
  if (o.budget !== undefined) {
    const scheme = schemes[0]!;
    const funded = recommendations.filter(
      (r) => r.scheme === scheme && !r.suppressed && r.action !== null && r.action !== NO_ACTION,
    );
    const targets = funded.map((r) => {
      const a = settings.actions[r.action!]!;
      const customers = r.customers ?? 0;
      const perCustomer = customers > 0 && r.value_at_stake !== null ? r.value_at_stake / customers : 0;
      return { id: r.segment, curve: responseCurve(customers, perCustomer, a) };
    });
    const result: Allocation = allocateBudget(targets, o.budget, { steps: settings.budgetSteps });
    for (const r of recommendations) {
      if (r.scheme !== scheme || r.suppressed) continue;
      const s = result.segments.find((x) => x.id === r.segment);
      r.budget = cents(s?.amount ?? 0);
      r.expected_value = cents(s?.expected_value ?? 0);
      r.roi = s?.roi ?? null;
      r.marginal_value = s ? s.marginal_value : null;
    }
    const funding = result.segments.filter((s) => s.amount > 0);
    allocation = {
      scheme,
      budget: result.budget,
      allocated: cents(result.allocated),
      unallocated: cents(result.unallocated),
      expected_value: cents(result.expected_value),
      roi: result.roi,
      step: result.step,
      marginal_value: funding.length > 0 ? Math.min(...funding.map((s) => s.marginal_value)) : null,
      profit_maximising_budget: cents(profitMaximisingBudget(targets)),
      why: allocationExplanation(result, targets, recommendations, config?.currency),
    };
    if (funded.length === 0)
      notes.push(`no segment of '${scheme}' has an action to spend on: the budget stays unallocated`);
    if (recommendations.some((r) => r.scheme === scheme && r.suppressed))
      notes.push('suppressed segments (fewer customers than privacy.min_segment_size) get no budget');
  }

  const used = new Set(recommendations.flatMap((r) => (r.action === null ? [] : [r.action])));
  const measures = new Set(
    recommendations.flatMap((r) => (r.value_at_stake_basis ? [r.value_at_stake_basis] : [])),
  );
  return {
    snapshot_id: snapshot.snapshot_id,
    as_of: snapshot.as_of,
    previous_snapshot_id: loaded.previous?.snapshot_id ?? null,
    previous_as_of: loaded.previous?.as_of ?? null,
    schemes,
    min_segment_size: minSegmentSize,
    playbook: settings.playbookSource,
    recommendations,
    allocation,
    assumptions: Object.fromEntries([...used].map((a) => [a, settings.actions[a]!])),
    definitions: {
      ...Object.fromEntries([...measures].map((m) => [m, STAKE_DEFINITIONS[m]])),
      value_index: "historical CLV per customer (margin or revenue to date) ÷ the base's",
      churn_risk: "1 − mean P(alive) when the models ran, else the segment's churn_rate",
      response_curve:
        'expected value of spending x = customers × response_rate × uplift × (1 − exp(−x / (customers × cost_per_customer)))',
    },
    notes,
  };
}
